import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { Sequelize } from "sequelize";
import { introspectDatabase, type DatabaseSchema } from "../../src/introspect";
import { runAuthdb, type CliResult } from "../helpers/cli";
import { isMysqlUrl, sqlQuery } from "../helpers/databases";

const run = promisify(execFile);
const APP = path.join(__dirname, "sequelize-adapter-app.mjs");
const ROOT = path.resolve(__dirname, "..", "..");

export type Variant = "default" | "custom" | "custom-no-timestamps" | "docs";

/** What the real @auth/sequelize-adapter app stored (sequelize-adapter-app.mjs). */
export interface Stored {
  users: Array<{ id: string; name: string; email: string; emailVerified: string | null; image: string | null; phoneNumber?: string }>;
  sessions: Array<{ sessionToken: string; userId: string; expires: string }>;
  github: { provider: string; providerAccountId: string; access_token: string; expires_at: number; scope: string };
}

/** Builds and fills the database with the real @auth/sequelize-adapter and its sync(), as its users do. */
export async function fillWithSequelizeAdapter(url: string, variant: Variant, extra?: "duplicate-account"): Promise<Stored> {
  const { stdout } = await run(process.execPath, [APP, url, variant, ...(extra ? [extra] : [])], { cwd: ROOT, timeout: 60_000 });
  return JSON.parse(stdout) as Stored;
}

/** The authdb config each variant's user writes: the custom model's extra attributes declared under extend. */
export function configFor(variant: Variant): Record<string, unknown> {
  if (variant === "default") return {};
  const timestamps = variant === "custom-no-timestamps" ? {} : { createdAt: { type: "DATE", allowNull: false }, updatedAt: { type: "DATE", allowNull: false } };
  return { extend: { User: { phoneNumber: "STRING", ...timestamps } } };
}

export function writeConfig(dir: string, config: Record<string, unknown>): void {
  writeFileSync(path.join(dir, "authdb.config.js"), `module.exports = ${JSON.stringify(config, null, 2)};\n`);
}

export function authdbIn(dir: string) {
  return (args: string[]): Promise<CliResult> => runAuthdb(args, { cwd: dir, env: { DATABASE_URL: undefined, CI: undefined } });
}

/** The command's data in its --json document (schemas/<command>.json); the envelope's ok must agree with the exit code. */
export function parseJson(result: CliResult): Record<string, any> {
  const document = JSON.parse(result.stdout);
  expect(document.ok).toBe(result.code === 0);
  return document.data;
}

/** A Sequelize instance for a test's own reads; the caller closes it. */
export function connect(url: string): Sequelize {
  return new Sequelize(url, { logging: false });
}

/**
 * A queryInterface that counts the DDL statements (ALTER, CREATE, DROP) sent through it, and makes them fail
 * from the (limit + 1)th on, as if the server refused it: the statements before it took effect, the rest
 * never ran. Reads go through. For running an adoption migration's up()/down() in the test's process.
 */
export function watchingDdl(sequelize: Sequelize, limit = Infinity): { queryInterface: unknown; count(): number; statements: string[] } {
  const statements: string[] = [];
  const query = (sql: string | { query: string }, options?: object) => {
    const text = typeof sql === "string" ? sql : sql.query;
    if (/^\s*(ALTER|CREATE|DROP)\b/i.test(text)) {
      statements.push(text);
      if (statements.length > limit) return Promise.reject(new Error(`injected failure of DDL statement ${statements.length}: ${text}`));
    }
    return sequelize.query(text, options);
  };
  const proxy = Object.create(sequelize, { query: { value: query } });
  const queryInterface = Object.create(sequelize.getQueryInterface(), { sequelize: { value: proxy } });
  return { queryInterface, count: () => statements.length, statements };
}

/** The Auth.js tables as the catalog shows them, read from outside the CLI. */
export async function layoutOf(url: string): Promise<DatabaseSchema> {
  const sequelize = connect(url);
  try {
    return await introspectDatabase(sequelize, ["users", "accounts", "sessions", "verification_tokens", "authenticators"]);
  } finally {
    await sequelize.close();
  }
}

/** Runs SQL from outside authdb, whatever the dialect; returns the rows. */
export function rawQuery(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  return sqlQuery(url, sql);
}

export { isMysqlUrl };

/** An identifier quoted for raw SQL on the URL's database: "x" on PostgreSQL and SQLite, `x` on MySQL/MariaDB. */
export function quoted(url: string, name: string): string {
  return isMysqlUrl(url) ? `\`${name}\`` : `"${name}"`;
}

export async function tableNames(url: string): Promise<string[]> {
  const rows = url.startsWith("postgres")
    ? await rawQuery(url, "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
    : isMysqlUrl(url)
      ? await rawQuery(url, "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1")
      : await rawQuery(url, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1");
  return rows.map((row) => String(row.name));
}
