import { parse as parseUrl } from "node:url";
import type { Sequelize } from "sequelize";
import { parseDatabaseUrl } from "../database/databaseUrl";

/*
 * `authdb status` on PostgreSQL without Sequelize: loading Sequelize alone takes longer than the rest of
 * the command. The reads status makes (src/migrator/migrationStatus.ts and what it calls) use a handful of
 * an instance's members, so one pg connection behind those members serves them, through the same code
 * every other command runs. Anything this does not cover fails loudly (a missing member is a TypeError),
 * and status then reads through Sequelize instead (see readStatus in commands/status.ts).
 */

/** What Sequelize's postgres dialect hands to pg.Client for a URL without query parameters. */
export interface PostgresConnectionConfig {
  user?: string;
  password?: string;
  host: string;
  port?: string;
  database?: string;
}

/**
 * The pg connection settings Sequelize 6 derives from `url` (its constructor's url.parse, then the
 * connection manager's pick of user, password, host, database and port; the database name stays
 * percent-encoded, as Sequelize leaves it). Null for anything else: query parameters (ssl, options,
 * host=…) and URLs without a host are Sequelize's to interpret.
 */
export function plainPostgresConnection(url: string): PostgresConnectionConfig | null {
  if (parseDatabaseUrl(url).dialect !== "postgres") return null;
  const parts = parseUrl(url);
  if (parts.search || !parts.hostname) return null;
  const [user, ...password] = parts.auth?.split(":") ?? [];
  return {
    user: parts.auth ? user : undefined,
    password: password.length ? password.join(":") : undefined,
    host: parts.hostname,
    port: parts.port ?? undefined,
    database: parts.pathname ? parts.pathname.replace(/^\//, "") : undefined,
  };
}

interface PgResult {
  rows: Record<string, unknown>[];
}

interface PgClient {
  connect(): Promise<void>;
  query(sql: string, values?: unknown[]): Promise<PgResult>;
  end(): Promise<void>;
  on(event: "error", listener: (error: Error) => void): void;
}

/**
 * pg asks once, as it loads, whether it runs in Cloudflare Workers. Where Node has no `navigator` (Node
 * 20) it finds out by building a fetch Response, which loads Node's whole fetch implementation: about
 * 20 ms, most of pg's loading time. For that one require, a navigator that names no Cloudflare answers
 * the question at no cost; it is gone again before anything else runs. Newer Node has its own navigator.
 */
function requirePg(): { Client: new (config: object) => PgClient } {
  const global = globalThis as { navigator?: unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (global.navigator !== undefined) return require("pg");
  Object.defineProperty(global, "navigator", { value: { userAgent: "Node.js" }, configurable: true, writable: true });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("pg");
  } finally {
    delete global.navigator;
  }
}

/** The session Sequelize's postgres dialect sets up on each new connection (its defaults). */
const SESSION_SETUP = "SET standard_conforming_strings=on;SET client_min_messages TO warning;SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE;";

/** Sequelize's postgres quoting: strip double quotes, then wrap in them. */
const quoteIdentifier = (name: string) => `"${name.replace(/"/g, "")}"`;

/**
 * Opens one connection with `config` and returns it dressed as the part of a Sequelize instance the
 * status reads use: getDialect, quoteIdentifier, query (bind parameters; rows for SELECT, [rows,
 * result] otherwise, as Sequelize returns them), config.username, close.
 */
export async function openPostgresReader(config: PostgresConnectionConfig): Promise<Sequelize> {
  const { Client } = requirePg();
  const client = new Client(config);
  // A connection the server drops between queries must fail the query in flight, not the process.
  client.on("error", () => undefined);
  await client.connect();
  const reader = {
    config: { username: config.user },
    getDialect: () => "postgres",
    getQueryInterface: () => ({ quoteIdentifier }),
    async query(sql: string, options: { type?: string; bind?: unknown[]; replacements?: unknown } = {}) {
      if (options.replacements !== undefined) throw new TypeError("postgresReader: replacements are Sequelize's to expand");
      const result = await client.query(sql, options.bind ?? []);
      return options.type === "SELECT" ? result.rows : [result.rows, result];
    },
    close: () => client.end(),
  };
  try {
    await reader.query(SESSION_SETUP);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return reader as unknown as Sequelize;
}
