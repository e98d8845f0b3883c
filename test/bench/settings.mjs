// The bench's settings, from the environment and the command line, and the command that reproduces a run.
import path from "node:path";

const env = process.env;
const args = process.argv.slice(2);

function positiveInteger(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function option(name) {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return value;
}

const KNOWN_FLAGS = new Set(["--json", "--no-sqlite", "--chart"]);
for (const [i, arg] of args.entries()) {
  if (arg.startsWith("--") && !KNOWN_FLAGS.has(arg)) throw new Error(`unknown option ${arg} (known: ${[...KNOWN_FLAGS].join(", ")})`);
  if (!arg.startsWith("--") && args[i - 1] !== "--chart") throw new Error(`unexpected argument ${arg}`);
}

/** The environment variables that change a run; printed with the command so that a run can be repeated. */
const ENV_NAMES = ["AUTHDB_TEST_PG_URL", "BENCH_POOL", "BENCH_CONCURRENCY", "BENCH_ROUNDS", "BENCH_USERS", "BENCH_ITERATIONS", "BENCH_FLOOR_PREPARED"];

export const settings = {
  pool: positiveInteger("BENCH_POOL", 10),
  /** The callers of the second column; the first is always 1 (latency-bound). */
  concurrency: positiveInteger("BENCH_CONCURRENCY", 16),
  rounds: positiveInteger("BENCH_ROUNDS", 3),
  users: positiveInteger("BENCH_USERS", 3000),
  /** Calls per cell (one call = one run of the workload, e.g. the three calls of a sign-up). */
  iterations: positiveInteger("BENCH_ITERATIONS", 2000),
  /** Wall-clock cap per cell, whatever the iteration count. */
  maxSecondsPerCell: 30,
  /** Calls before each measured cell (at least 4 per caller), so no contender meets a cold cache or an unfilled pool. */
  warmupCalls: 50,
  /**
   * Whether the floor names its statements (pg prepared statements): "auto" does what authdb's hot path is
   * seen doing in the floor check; BENCH_FLOOR_PREPARED=1 or 0 forces it.
   */
  floorPrepared: env.BENCH_FLOOR_PREPARED === "1" ? true : env.BENCH_FLOOR_PREPARED === "0" ? false : "auto",
  json: args.includes("--json"),
  sqlite: !args.includes("--no-sqlite"),
  chartFile: path.resolve(option("--chart") ?? new URL("../../docs/benchmarks.svg", import.meta.url).pathname),
};

// A verification workload deletes its user's tokens (the incumbent deletes all of them): callers must not share a user.
if (settings.users < settings.concurrency) throw new Error(`BENCH_USERS (${settings.users}) must be at least BENCH_CONCURRENCY (${settings.concurrency})`);

/** `BENCH_USERS=200 npm run bench -- --no-sqlite`: the command as typed, with the settings that were set. */
export function exactCommand() {
  const assignments = ENV_NAMES.filter((name) => env[name] !== undefined && env[name] !== "").map((name) => `${name}=${env[name]}`);
  const viaNpm = env.npm_lifecycle_event === "bench";
  const command = viaNpm
    ? `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`
    : ["node", ...process.execArgv, path.relative(process.cwd(), process.argv[1]), ...args].join(" ");
  return [...assignments, command].join(" ");
}
