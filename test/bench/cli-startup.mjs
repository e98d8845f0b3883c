#!/usr/bin/env node
// `npm run bench:cli`: how fast the CLI starts. Cold `authdb --help` and `authdb status` (a new process
// each run) on an up-to-date PostgreSQL database, against `sequelize-cli db:migrate:status` on the same
// migrations and database; and the peak memory of `authdb migrate` on a fresh database.
//
//   node test/bench/cli-startup.mjs [--runs 10] [--bin path/to/bin/authdb.js]
//
// --bin measures another build (e.g. a copy of dist/ from before a change) against the same contenders.
// Wall times are medians over interleaved runs after one warm-up each (file caches warm, processes cold).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ADMIN_URL, adminQuery, databaseUrl } from "./adminDatabase.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: args } = parseArgs({ options: { runs: { type: "string", default: "10" }, bin: { type: "string" } } });
const RUNS = Number(args.runs);
const AUTHDB = path.resolve(args.bin ?? path.join(ROOT, "bin", "authdb.js"));
const SEQUELIZE_CLI = path.join(ROOT, "node_modules", "sequelize-cli", "lib", "sequelize");
/** Packages whose loading the start-up work is about; the table says how many files of each a command loaded. */
const HEAVY = ["sequelize", "umzug", "jiti", "zod", "pg", "sqlite3", "mysql2"];
const TARGET_RATIO = 0.5;

async function createDatabase(label) {
  const name = `authdb_bench_cli_${label}_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  return { url: databaseUrl(name), drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * Preloaded into a measured process (never into a timed run): on exit it writes its peak RSS and the
 * CommonJS files it loaded, so the table can say what a command pulled in.
 */
const PROBE = `
process.on("exit", () => {
  const files = Object.keys(require.cache);
  const packages = {};
  for (const f of files) {
    const name = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f)?.[1];
    if (name) packages[name] = (packages[name] ?? 0) + 1;
  }
  require("node:fs").writeFileSync(process.env.AUTHDB_BENCH_PROBE, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, files: files.length, packages }));
});
`;

function run(argv, cwd, { probe, env } = {}) {
  const started = performance.now();
  const result = spawnSync(process.execPath, probe ? ["--require", probe.script, ...argv] : argv, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env, ...(probe ? { AUTHDB_BENCH_PROBE: probe.out } : {}) },
  });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${argv.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return { ms, stdout: result.stdout, probe: probe ? JSON.parse(readFileSync(probe.out, "utf8")) : undefined };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "authdb-bench-cli-"));
  const probe = { script: path.join(dir, "probe.cjs"), out: path.join(dir, "probe.json") };
  writeFileSync(probe.script, PROBE);
  const project = path.join(dir, "project");
  mkdirSync(path.join(project, "config"), { recursive: true });
  const db = await createDatabase("status");
  const fresh = [];
  try {
    run([AUTHDB, "init"], project);
    run([AUTHDB, "migrate", "--url", db.url], project);
    // sequelize-cli reads the same migrations folder (its default, ./migrations) through its own config file.
    writeFileSync(path.join(project, "config", "config.json"), JSON.stringify({ development: { url: db.url, dialect: "postgres", logging: false } }, null, 2));
    const upToDate = run([SEQUELIZE_CLI, "db:migrate:status"], project).stdout;
    if (/^down /m.test(upToDate) || !/^up /m.test(upToDate)) throw new Error(`sequelize-cli does not see the migrations as applied:\n${upToDate}`);

    const contenders = [
      { name: "authdb --help", argv: [AUTHDB, "--help"] },
      { name: "authdb status", argv: [AUTHDB, "status", "--url", db.url] },
      { name: "sequelize-cli db:migrate:status", argv: [SEQUELIZE_CLI, "db:migrate:status"], baseline: true },
    ];
    for (const c of contenders) {
      c.times = [];
      run(c.argv, project); // warm-up: file caches, the server's first connection
      c.probe = run(c.argv, project, { probe }).probe;
    }
    for (let i = 0; i < RUNS; i++) for (const c of contenders) c.times.push(run(c.argv, project).ms);

    // Peak memory of migrate: each run on a database of its own, since only the first migrate does the work.
    const migrateRuns = Math.min(RUNS, 3);
    const rss = [];
    let migrateProbe;
    for (let i = 0; i < migrateRuns; i++) {
      const target = await createDatabase("migrate");
      fresh.push(target);
      migrateProbe = run([AUTHDB, "migrate", "--url", target.url], project, { probe }).probe;
      rss.push(migrateProbe.maxRssKb);
    }

    // "sequelize:1" is its file of constants (query-types.js), which status's reads use; the ORM is 100+ files.
    const heavy = (probeResult) => HEAVY.filter((name) => probeResult.packages[name]).map((name) => `${name}:${probeResult.packages[name]}`).join(" ") || "-";
    const baseline = median(contenders.find((c) => c.baseline).times);
    const rows = contenders.map((c) => {
      const m = median(c.times);
      return [c.name, m.toFixed(0), Math.min(...c.times).toFixed(0), Math.max(...c.times).toFixed(0), (m / baseline).toFixed(2), (c.probe.maxRssKb / 1024).toFixed(0), String(c.probe.files), heavy(c.probe)];
    });
    rows.push(["authdb migrate (fresh database)", "", "", "", "", (median(rss) / 1024).toFixed(0), String(migrateProbe.files), heavy(migrateProbe)]);
    const header = ["command", "median ms", "min", "max", "× sequelize-cli", "peak RSS MB", "files loaded", "of which (files)"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells) => cells.map((cell, i) => (i === 0 || i === 7 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
    console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}), ${RUNS} runs each, PostgreSQL at ${new URL(ADMIN_URL).host}`);
    console.log(`authdb: ${path.relative(process.cwd(), AUTHDB) || AUTHDB}`);
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    const ratio = median(contenders[1].times) / baseline;
    console.log(`authdb status: ${ratio.toFixed(2)}× sequelize-cli's wall time (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? "met" : "not met"}); migrate peak RSS median of ${migrateRuns}.`);
  } finally {
    await db.drop();
    for (const target of fresh) await target.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
