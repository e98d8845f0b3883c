// Every database and folder the bench creates, and their removal: on success, on a thrown error, and on
// Ctrl-C / SIGTERM (a PostgreSQL database left behind by an interrupted run would pile up on a shared server).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { adminQuery, databaseUrl } from "./adminDatabase.mjs";

/** Names of the PostgreSQL databases still to drop, and folders still to remove. */
const databases = new Set();
const folders = new Set();
/** Pools and Sequelize instances to close before dropping (so the drop finds no session to terminate). */
const closers = new Set();
/** CREATE DATABASEs in flight: a drop must wait for them, or an interrupted creation would leave its database behind. */
const pending = new Set();


export async function serverVersion() {
  const { rows } = await adminQuery("SHOW server_version");
  return rows[0].server_version;
}

/** A fresh, empty database; returns its URL. Registered before it exists, so no failure can orphan it. */
export async function createDatabase(label) {
  const name = `authdb_bench_${label}_${randomBytes(3).toString("hex")}`;
  databases.add(name);
  const creating = adminQuery(`CREATE DATABASE "${name}"`);
  pending.add(creating);
  try {
    await creating;
  } finally {
    pending.delete(creating);
  }
  return databaseUrl(name);
}

/** A temporary folder (for the SQLite files), removed with the databases. */
export function createFolder() {
  const folder = mkdtempSync(path.join(os.tmpdir(), "authdb-bench-"));
  folders.add(folder);
  return folder;
}

/** `close` runs before the databases are dropped; returns a function that runs it now and unregisters it. */
export function onCleanup(close) {
  closers.add(close);
  return async () => {
    closers.delete(close);
    await close();
  };
}

/**
 * Closes what is open and drops what was created. `closeFirst: false` (interrupted) skips the polite
 * close, which could wait on a query in flight: DROP … WITH (FORCE) ends those sessions itself.
 */
export async function cleanUp({ closeFirst = true } = {}) {
  if (closeFirst) {
    for (const close of [...closers]) await close().catch((error) => console.error(`bench: closing a pool failed: ${error.message}`));
  }
  closers.clear();
  await Promise.allSettled([...pending]);
  for (const name of [...databases]) {
    try {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      databases.delete(name);
    } catch (error) {
      console.error(`bench: could not drop database ${name}: ${error.message} — drop it by hand`);
    }
  }
  for (const folder of [...folders]) {
    rmSync(folder, { recursive: true, force: true });
    folders.delete(folder);
  }
}

let interrupted = false;
/** True once a signal started the cleanup: the run's own errors after that are its databases vanishing. */
export const wasInterrupted = () => interrupted;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (interrupted) return; // a second Ctrl-C must not cut the drop short
    interrupted = true;
    console.error(`\nbench: ${signal}, dropping the bench databases…`);
    cleanUp({ closeFirst: false }).finally(() => process.exit(130));
  });
}
