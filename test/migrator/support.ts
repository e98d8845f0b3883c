import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import sqlite3 from "sqlite3";
import { runAuthdb, type CliResult } from "../helpers/cli";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, createTempDir, isMysqlUrl, mysqlQuery, pgQuery, type TestDatabase } from "../helpers/databases";

/** The dialects every safety suite runs on; MariaDB joins once its issue lands. */
export type DialectName = "postgres" | "sqlite";

export interface TestDialect<Name extends string = string> {
  dialect: Name;
  create(label: string): Promise<TestDatabase>;
}

export const DIALECTS: Array<TestDialect<DialectName>> = [
  { dialect: "postgres", create: (label) => createPostgresDatabase(label) },
  { dialect: "sqlite", create: async (label) => createSqliteDatabase(label) },
];

/**
 * MariaDB, for the suites whose cases cover it (the lock, races, partial DDL, dry runs as previews). Not in
 * DIALECTS: most safety cases there assert transactional DDL (a failed migration rolled back whole).
 */
export const MARIADB: TestDialect<"mariadb"> = { dialect: "mariadb", create: (label) => createMariaDatabase(label) };


export const INITIAL = "20261123000000-authdb-initial.js";
/** authdb's built-in follow-up (level 2 of its table set): every project's second migration. */
export const EXPIRY_INDEXES = "20261123000001-authdb-expiry-indexes.js";
export const EXACT_TEXT = "20261123000002-authdb-exact-text.js";
export const FIXTURES = path.resolve(__dirname, "..", "fixtures", "migrations");
export const fixture = {
  extraOne: "20261124000000-extra-one.js",
  extraTwo: "20261124000001-extra-two.js",
  failsHalfway: "20261124000002-fails-halfway.js",
  noTransactionFails: "20261124000003-no-transaction-fails.js",
  sleeps: "20261124000004-sleeps.js",
  ownTransactionFails: "20261124000005-own-transaction-fails.js",
  ownTransaction: "20261124000006-own-transaction.js",
} as const;

export const AUTHJS_TABLES = ["users", "accounts", "sessions", "verification_tokens", "authenticators"];

/** No ANSI colour codes and no JavaScript stack frames: what an operator must never see for a user mistake. */
export const ANSI = /\x1b\[/;
export const STACK_FRAME = /^\s+at /m;

export interface TestProject {
  dir: string;
  migrationsDir: string;
  db: TestDatabase;
  /** Runs the built CLI in the project against its database (`--url` appended). */
  authdb(args: string[], env?: Record<string, string | undefined>): Promise<CliResult>;
  addFixture(name: string): string;
  cleanup(): Promise<void>;
}

/** A temp project (`authdb init` with the default config) and a fresh, empty database. */
export async function createProject(label: string, dialect: TestDialect, fixtures: string[] = []): Promise<TestProject> {
  const temp = createTempDir(label);
  const migrationsDir = path.join(temp.dir, "migrations");
  const init = await runAuthdb(["init"], { cwd: temp.dir });
  if (init.code !== 0) {
    temp.cleanup();
    throw new Error(`authdb init failed:\n${init.stderr}`);
  }
  // Created after init succeeded, so a failed setup leaves no database behind.
  const db = await dialect.create(label);
  const project: TestProject = {
    dir: temp.dir,
    migrationsDir,
    db,
    authdb: (args, env) => runAuthdb([...args, "--url", db.url], { cwd: temp.dir, env: { CI: undefined, DATABASE_URL: undefined, ...env } }),
    addFixture(name) {
      mkdirSync(migrationsDir, { recursive: true });
      const target = path.join(migrationsDir, name);
      copyFileSync(path.join(FIXTURES, name), target);
      return target;
    },
    async cleanup() {
      await db.drop();
      temp.cleanup();
    },
  };
  for (const name of fixtures) project.addFixture(name);
  return project;
}

function sqliteFile(url: string): string {
  return url.slice("sqlite:".length);
}

/** A query from outside authdb: a bare pg or mysql2 client, or a separate sqlite3 connection opened read-only. */
export async function outsideQuery<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  if (url.startsWith("postgres")) return pgQuery<T>(url, sql);
  if (isMysqlUrl(url)) return mysqlQuery<T>(url, sql);
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(sqliteFile(url), sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(opened)));
  });
  try {
    return await new Promise<T[]>((resolve, reject) => db.all(sql, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

/** Every table in the database (user tables only), sorted. */
export async function listTables(url: string): Promise<string[]> {
  const rows = url.startsWith("postgres")
    ? await outsideQuery<{ name: string }>(url, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")
    : isMysqlUrl(url)
      ? await outsideQuery<{ name: string }>(url, "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
      : await outsideQuery<{ name: string }>(url, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  return rows.map((row) => row.name).sort();
}

export async function listColumns(url: string, table: string): Promise<string[]> {
  const rows = url.startsWith("postgres")
    ? await outsideQuery<{ name: string }>(url, `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}'`)
    : isMysqlUrl(url)
      ? await outsideQuery<{ name: string }>(url, `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'`)
      : await outsideQuery<{ name: string }>(url, `SELECT name FROM pragma_table_info('${table}')`);
  return rows.map((row) => row.name).sort();
}

/** Names in SequelizeMeta and in authdb's checksum table, as stored (duplicates kept, so a test can see them). */
export async function recordedNames(url: string): Promise<{ meta: string[]; checksums: string[] }> {
  const tables = await listTables(url);
  const meta = tables.includes("SequelizeMeta") ? await outsideQuery<{ name: string }>(url, isMysqlUrl(url) ? "SELECT name FROM `SequelizeMeta`" : `SELECT name FROM "SequelizeMeta"`) : [];
  const sums = tables.includes("authdb_migrations") ? await outsideQuery<{ name: string }>(url, `SELECT name FROM authdb_migrations`) : [];
  return { meta: meta.map((r) => r.name).sort(), checksums: sums.map((r) => r.name).sort() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns true (or `timeoutMs` passes): for waiting on another process's progress. */
/** The MySQL/MariaDB connection that holds the database's migration lock (GET_LOCK), or null when it is free. */
export async function mysqlLockHolder(url: string): Promise<number | null> {
  const [row] = await mysqlQuery<{ id: number | null }>(url, "SELECT IS_USED_LOCK(LEFT(CONCAT('authdb_migrations:', DATABASE()), 64)) AS id");
  return row?.id ?? null;
}

/** Writes a migration file into the project (a fixture that only one test needs). */
export function writeMigration(project: TestProject, name: string, source: string): string {
  mkdirSync(project.migrationsDir, { recursive: true });
  const target = path.join(project.migrationsDir, name);
  writeFileSync(target, source);
  return target;
}

export async function waitFor(probe: () => Promise<boolean>, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A write from outside authdb (a bare pg or mysql2 client, or a separate sqlite3 connection): rows a real app would have stored. */
export async function outsideExecute(url: string, sql: string): Promise<void> {
  if (url.startsWith("postgres")) {
    await pgQuery(url, sql);
    return;
  }
  if (isMysqlUrl(url)) {
    await mysqlQuery(url, sql);
    return;
  }
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(sqliteFile(url), (error) => (error ? reject(error) : resolve(opened)));
  });
  try {
    await new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}
