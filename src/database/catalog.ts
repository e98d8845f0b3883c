import type { Sequelize } from "sequelize";
// Sequelize's constants alone (a few lines): `authdb status` reads through this module without loading Sequelize.
import QueryTypes from "sequelize/lib/query-types";
import { InvalidInputError } from "../errors";
import { dialectOf, isMysqlFamily, quoteIdentifier } from "./dialect";

/**
 * Where authdb's tables live on PostgreSQL. With a configured `schema` that is the schema; without one it
 * is current_schema(), the schema unqualified names are created in: never a hard-coded 'public'
 * (Sequelize 6's tableExists/describeTable assume 'public' and so miss tables under another search_path).
 */

/** The configured schema of each Sequelize instance authdb works through (CLI connection, migrate()). */
const configured = new WeakMap<Sequelize, string>();

/**
 * Records the configured `schema` for this instance (undefined: none). PostgreSQL only: SQLite has no
 * schemas and ignores it, so one config serves a PostgreSQL deploy and SQLite tests; on MySQL/MariaDB a
 * schema is a database, which belongs in the URL.
 */
export function bindSchema(sequelize: Sequelize, schema: string | undefined): void {
  const dialect = dialectOf(sequelize);
  if (schema !== undefined && isMysqlFamily(dialect)) {
    throw new InvalidInputError(
      `schema: "${schema}" is a PostgreSQL option; on ${dialect} a schema is a database`,
      "Remove schema from the config and name the database in the URL (mysql://user@host/database).",
    );
  }
  if (schema === undefined || dialect !== "postgres") configured.delete(sequelize);
  else configured.set(sequelize, schema);
}

/** The configured schema, on PostgreSQL; undefined means "resolve through current_schema()". */
export function configuredSchema(sequelize: Sequelize): string | undefined {
  return configured.get(sequelize);
}

/**
 * The schema authdb's tables are in: the configured one, else current_schema(). null on PostgreSQL when
 * the search_path names no existing schema; always null on SQLite (one namespace per file).
 */
export async function resolveSchema(sequelize: Sequelize): Promise<string | null> {
  if (dialectOf(sequelize) !== "postgres") return null;
  const own = configuredSchema(sequelize);
  if (own) return own;
  const [row] = await sequelize.query<{ schema: string | null }>("SELECT current_schema() AS schema", { type: QueryTypes.SELECT });
  return row?.schema ?? null;
}

/** Like resolveSchema, but a PostgreSQL search_path with no existing schema is an error naming the fix. */
export async function requireSchema(sequelize: Sequelize): Promise<string | null> {
  const schema = await resolveSchema(sequelize);
  if (schema !== null || dialectOf(sequelize) !== "postgres") return schema;
  const [row] = await sequelize.query<{ search_path: string }>("SHOW search_path", { type: QueryTypes.SELECT });
  throw new InvalidInputError(
    `the search_path (${row?.search_path ?? "unknown"}) names no existing schema, so there is no schema to create authdb's tables in`,
    'Create the schema (CREATE SCHEMA …), or set schema: "<name>" in authdb.config: authdb creates a configured schema itself.',
  );
}

/** `"next_auth"."users"`, or `"users"` with no schema (SQLite, or PostgreSQL without a configured schema). */
export function qualifiedName(sequelize: Sequelize, table: string, schema: string | null | undefined): string {
  return schema ? `${quoteIdentifier(sequelize, schema)}.${quoteIdentifier(sequelize, table)}` : quoteIdentifier(sequelize, table);
}

/**
 * Whether `table` exists in `schema` (SQLite: in the file). Reads pg_class, not information_schema: the
 * latter hides tables the user has no privilege on, which made an unreadable table look absent.
 */
export async function tableExists(sequelize: Sequelize, table: string, schema: string | null): Promise<boolean> {
  if (dialectOf(sequelize) === "postgres") {
    if (!schema) return false;
    const rows = await sequelize.query(
      `SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
      { bind: [schema, table], type: QueryTypes.SELECT },
    );
    return rows.length > 0;
  }
  return sequelize.getQueryInterface().tableExists(table);
}
