// Throwaway PostgreSQL databases for the scale bench, dropped when the run ends: normally (drop()), on
// an error (the caller's finally), or on Ctrl-C / SIGTERM / SIGHUP (here). A million-row database left behind
// would fill a developer's disk.
import { randomBytes } from "node:crypto";
import { adminQuery, databaseUrl } from "../adminDatabase.mjs";



/** Drops of the databases created and not dropped yet. */
const pending = new Map();
let closeConnections = async () => {};
let interrupted = false;

/** True once a signal arrived: the run's own errors after that are the handler closing its connections. */
export const isInterrupted = () => interrupted;

/** What to close before the databases are dropped on a signal (the run's pools and clients). */
export function onInterrupt(close) {
  closeConnections = close;
}

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]]) {
  process.once(signal, async () => {
    interrupted = true;
    console.error(`\n${signal}: dropping ${[...pending.keys()].join(", ") || "nothing"}…`);
    await closeConnections().catch(() => {});
    for (const drop of pending.values()) await drop().catch((error) => console.error(error.message));
    process.exit(code);
  });
}

export async function createScratchDatabase(label) {
  const name = `authdb_bench_scale_${label}_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  // WITH (FORCE) ends connections still open, so a drop cannot hang on a pool that did not close.
  const drop = async () => {
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    pending.delete(name);
  };
  pending.set(name, drop);
  return { name, url: databaseUrl(name), drop };
}

/** Drops every database still pending; the first failure is thrown after all were tried. */
export async function dropAll() {
  const errors = [];
  for (const drop of [...pending.values()]) await drop().catch((error) => errors.push(error));
  if (errors.length) throw errors[0];
}
