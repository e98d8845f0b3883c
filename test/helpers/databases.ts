import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Client } from "pg";

/** The PostgreSQL server the suites use; each suite creates and drops its own database on it. */
export const POSTGRES_ADMIN_URL = process.env.AUTHDB_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function uniqueName(label: string): string {
  return `authdb_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
}

function withDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  // No silent skip: an unreachable server fails the suite with the driver's own message.
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, empty PostgreSQL database for one suite. */
export async function createPostgresDatabase(label: string): Promise<TestDatabase> {
  const name = uniqueName(label);
  await adminQuery(`CREATE DATABASE "${name}"`);
  return {
    url: withDatabase(POSTGRES_ADMIN_URL, name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** The MariaDB (or MySQL) server the suites use, through mysql2; each suite creates and drops its own database. */
export const MARIADB_ADMIN_URL = process.env.AUTHDB_TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306/test";

async function mariaAdminQuery(sql: string): Promise<void> {
  // No silent skip: an unreachable server fails the suite with the driver's own message.
  const connection = await mysqlConnection(MARIADB_ADMIN_URL);
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

async function mysqlConnection(url: string) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
  const parsed = new URL(url.replace(/^mariadb:/, "mysql:"));
  return mysql.createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)) || undefined,
    // Dates as the server's text, so tests see what is stored, not the driver's reading of it.
    dateStrings: true,
    supportBigNumbers: true,
  });
}

/**
 * A fresh, empty MariaDB database for one suite, with the server's default character set unless `charset`
 * names another (a database created `latin1` or `utf8mb3`, as older servers made them).
 */
export async function createMariaDatabase(label: string, options: { charset?: string } = {}): Promise<TestDatabase> {
  const name = uniqueName(label);
  await mariaAdminQuery(`CREATE DATABASE \`${name}\`${options.charset ? ` CHARACTER SET ${options.charset}` : ""}`);
  return {
    url: withDatabase(MARIADB_ADMIN_URL, name),
    drop: () => mariaAdminQuery(`DROP DATABASE IF EXISTS \`${name}\``),
  };
}

/** A fresh temp directory, removed by `cleanup`. */
export function createTempDir(label: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `authdb-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A SQLite file in a fresh temp directory. */
export function createSqliteDatabase(label: string): TestDatabase {
  const { dir, cleanup } = createTempDir(label);
  return { url: `sqlite:${path.join(dir, "test.sqlite")}`, drop: async () => cleanup() };
}

/** Runs a query on a PostgreSQL URL with a bare pg client: tests observe the database from outside authdb. */
export async function pgQuery<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Runs a query from outside authdb on a PostgreSQL, SQLite or MariaDB/MySQL URL (psql-like), returning its
 * rows. Parameters are `$1`, `$2`… on PostgreSQL and `?` on SQLite and MariaDB.
 */
export async function sqlQuery<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  if (url.startsWith("postgres")) return pgQuery<T>(url, sql, params);
  if (isMysqlUrl(url)) return mysqlQuery<T>(url, sql, params);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite3 = require("sqlite3") as typeof import("sqlite3");
  const db = new sqlite3.Database(url.slice("sqlite:".length));
  try {
    return await new Promise<T[]>((resolve, reject) => db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));
  } finally {
    await new Promise((resolve) => db.close(resolve));
  }
}

/** A MariaDB or MySQL URL (both go through mysql2). */
export const isMysqlUrl = (url: string) => /^(mysql|mariadb):/.test(url);

/** Runs a query on a MariaDB/MySQL URL with a bare mysql2 connection, from outside authdb. */
export async function mysqlQuery<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const connection = await mysqlConnection(url);
  try {
    const [rows] = await connection.query(sql, params);
    return rows as T[];
  } finally {
    await connection.end();
  }
}
