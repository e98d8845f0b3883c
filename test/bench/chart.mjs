// The chart docs/benchmarks.md shows: grouped bars, one group per workload, one bar (and colour) per
// contender, ops/s at the higher caller count on PostgreSQL. Hand-written SVG: no dependency, diffable.
import { FLOOR, FLOOR_PLAIN, AUTHDB, INCUMBENT, PG_ADAPTER } from "./contenderNames.mjs";

/** Colour-blind-safe (Okabe–Ito); authdb in the strongest colour, the floor in neutral grey. */
const COLOURS = { [FLOOR]: "#8c8c8c", [FLOOR_PLAIN]: "#c8c8c8", [AUTHDB]: "#0072b2", [INCUMBENT]: "#e69f00", [PG_ADAPTER]: "#009e73" };
const FALLBACK_COLOURS = ["#cc79a7", "#56b4e9", "#d55e00", "#f0e442"];
const FONT = `font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"`;

const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const short = (n) => (n >= 1000 ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k` : String(Math.round(n)));

/** A round axis step giving about `ticks` ticks up to `max`: 1, 2, 2.5 or 5 × 10^k. */
function niceStep(max, ticks) {
  const rough = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((step) => step >= rough);
}

function text(x, y, content, attributes = "") {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes}>${escape(content)}</text>`;
}

/**
 * `part`: the PostgreSQL results ({ contenders, cells }); `callers`: which column to chart;
 * `subtitle`: date, machine and settings, so a chart read on its own says where it comes from.
 */
export function renderChart({ part, callers, subtitle, calls = {} }) {
  const workloads = Object.keys(part.cells);
  const { contenders } = part;
  const value = (workload, contender) => part.cells[workload][callers][contender].opsPerSecond;
  const colour = (contender, i) => COLOURS[contender] ?? FALLBACK_COLOURS[i % FALLBACK_COLOURS.length];

  const width = 1100;
  const height = 560;
  const margin = { top: 92, right: 24, bottom: 116, left: 78 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;

  const max = Math.max(...workloads.flatMap((w) => contenders.map((c) => value(w, c))));
  const step = niceStep(max, 6);
  const top = Math.ceil(max / step) * step;
  const y = (v) => margin.top + plotHeight - (v / top) * plotHeight;

  const groupWidth = plotWidth / workloads.length;
  const barWidth = (groupWidth * 0.8) / contenders.length;

  const parts = [];
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(text(margin.left, 30, `Auth.js adapter calls per second on PostgreSQL, ${callers} concurrent callers (higher is faster)`, `font-size="18" font-weight="600" fill="#1a1a1a"`));
  parts.push(text(margin.left, 52, subtitle, `font-size="12" fill="#555555"`));

  // Axis, grid and tick labels.
  for (let v = 0; v <= top + step / 2; v += step) {
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${v === 0 ? "#333333" : "#e3e3e3"}" stroke-width="1"/>`);
    parts.push(text(margin.left - 8, y(v) + 4, Math.round(v).toLocaleString("en-US"), `font-size="11" fill="#444444" text-anchor="end"`));
  }
  parts.push(text(18, margin.top + plotHeight / 2, "workload calls per second", `font-size="12" fill="#444444" text-anchor="middle" transform="rotate(-90 18 ${(margin.top + plotHeight / 2).toFixed(1)})"`));

  // Bars with their values, and the workload names under each group.
  workloads.forEach((workload, g) => {
    const groupX = margin.left + g * groupWidth + groupWidth * 0.1;
    contenders.forEach((contender, i) => {
      const v = value(workload, contender);
      const x = groupX + i * barWidth;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${colour(contender, i)}"><title>${escape(`${workload}, ${contender}: ${Math.round(v)} ops/s`)}</title></rect>`);
      parts.push(text(x + (barWidth - 2) / 2, y(v) - 4, short(v), `font-size="10" fill="#333333" text-anchor="middle"`));
    });
    const centre = margin.left + (g + 0.5) * groupWidth;
    const lines = workload.split(/(?<=\+)/); // "createSession+" / "deleteSession"
    lines.forEach((line, l) => parts.push(text(centre, y(0) + 18 + l * 14, line, `font-size="12" fill="#1a1a1a" text-anchor="middle"`)));
    if (calls[workload]) parts.push(text(centre, y(0) + 18 + lines.length * 14, `(${calls[workload].split(" + ").length} calls)`, `font-size="11" fill="#666666" text-anchor="middle"`));
  });

  // Legend: one swatch per contender, in bar order.
  let legendX = margin.left;
  const legendY = height - 28;
  contenders.forEach((contender, i) => {
    parts.push(`<rect x="${legendX}" y="${legendY - 11}" width="14" height="14" fill="${colour(contender, i)}"/>`);
    const label = contender === FLOOR ? "floor, prepared (bare pg.Pool)" : contender === FLOOR_PLAIN ? "floor, unprepared" : contender;
    parts.push(text(legendX + 20, legendY, label, `font-size="13" fill="#1a1a1a"`));
    legendX += 20 + label.length * 7 + 24;
  });

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} role="img" aria-label="Bar chart of Auth.js adapter throughput per workload">\n${parts.join("\n")}\n</svg>\n`;
}
