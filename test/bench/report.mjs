// The printed report: the machine, and markdown tables of one part (PostgreSQL or SQLite) of the results.
import os from "node:os";

export function machine(postgresVersion) {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model.trim() ?? "unknown", cores: cpus.length, node: process.version, postgres: postgresVersion, os: `${os.type()} ${os.release()}` };
}

export function describeMachine(m) {
  return `${m.cpu}, ${m.cores} cores, Node ${m.node}, PostgreSQL ${m.postgres}, ${m.os}`;
}

const integer = (n) => Math.round(n).toLocaleString("en-US");
const ms = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const ratio = (n) => `${n.toFixed(2)}×`;

function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/**
 * Two tables for one part: throughput (ops/s and the ratio to `part.reference`, higher is faster) and
 * latency (p50 / p99 ms of one workload call, and p50 as a ratio of the reference's, lower is faster).
 */
export function partTables(part) {
  const { contenders, reference, cells } = part;
  const header = ["workload", "callers", ...contenders];
  const throughput = [];
  const latency = [];
  for (const [workload, byCallers] of Object.entries(cells)) {
    for (const [callers, byContender] of Object.entries(byCallers)) {
      const base = byContender[reference];
      throughput.push([workload, callers, ...contenders.map((c) => `${integer(byContender[c].opsPerSecond)} (${ratio(byContender[c].opsPerSecond / base.opsPerSecond)})${byContender[c].capped ? " ⏱" : ""}`)]);
      latency.push([workload, callers, ...contenders.map((c) => `${ms(byContender[c].p50)} / ${ms(byContender[c].p99)} (${ratio(byContender[c].p50 / base.p50)})`)]);
    }
  }
  return [
    `Throughput: workload calls per second (ratio to ${reference}; higher is faster)\n\n${markdownTable(header, throughput)}`,
    `Latency of one workload call: p50 / p99 ms (p50 as a ratio of ${reference}'s; lower is faster)\n\n${markdownTable(header, latency)}`,
  ].join("\n\n");
}

/** The footnote for cells that hit the time cap before their iteration count. */
export function cappedNote(parts, maxSeconds) {
  const capped = parts.some((part) => Object.values(part.cells).some((byCallers) => Object.values(byCallers).some((byContender) => Object.values(byContender).some((cell) => cell.capped))));
  return capped ? `⏱ at least one round of this cell stopped at the ${maxSeconds} s cap before its iteration count.` : "";
}
