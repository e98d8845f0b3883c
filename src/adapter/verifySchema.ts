import { QueryTypes, type Sequelize } from "sequelize";
import { dialectOf } from "../database";
import { connectedRole, PermissionDeniedError } from "../database/permissions";
import { tablesInOrder, type ModelName, type Schema, type TableSpec } from "../schema";
import { SchemaNotMigratedError } from "./errors";

type Right = "SELECT" | "INSERT" | "UPDATE" | "DELETE";

/**
 * The rights each table needs, from the statements the adapter's methods issue (RETURNING and WHERE
 * read, so every table needs SELECT). A missing one is reported at first use, not at the first
 * sign-in that happens to need it. Foreign-key cascades run as the table owner and need none.
 */
const ADAPTER_RIGHTS: Record<ModelName, Right[]> = {
  User: ["SELECT", "INSERT", "UPDATE", "DELETE"],
  Account: ["SELECT", "INSERT", "DELETE"],
  Session: ["SELECT", "INSERT", "UPDATE", "DELETE"],
  VerificationToken: ["SELECT", "INSERT", "DELETE"],
  Authenticator: ["SELECT", "INSERT", "UPDATE"],
};

/** What the catalog says of one table: its columns and the rights the connected user has on it. */
interface TableState {
  columns: Set<string> | null;
  /** A schema the user may not look into: the table cannot be used whatever its own grants. */
  schemaDenied?: string;
  missingRights: Right[];
}

/** Successful checks, per Sequelize instance and schema fingerprint: a check runs once per process. */
const verified = new WeakMap<Sequelize, Map<string, Promise<void>>>();

function fingerprint(schema: Schema): string {
  return tablesInOrder(schema)
    .map((t) => `${t.table}(${t.columns.map((c) => c.column).join(",")})`)
    .join(";");
}

interface CatalogRow {
  name: string;
  schema: string | null;
  columns: string[] | null;
  usage: boolean | null;
  select: boolean | null;
  insert: boolean | null;
  update: boolean | null;
  delete: boolean | null;
}

/**
 * PostgreSQL: one pg_catalog query for every table, in the configured schema or wherever the adapter's
 * unqualified names resolve (to_regclass). Not information_schema or describeTable: they hide tables the
 * user has no rights on (an unreadable table looked "not migrated") and describeTable assumes 'public'.
 */
async function postgresTables(sequelize: Sequelize, tables: TableSpec[], namespace: string | undefined): Promise<Map<string, TableState>> {
  const located = namespace
    ? `LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = $2
       LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = t.name AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`
    : `LEFT JOIN pg_catalog.pg_class c ON c.oid = to_regclass(quote_ident(t.name))
       LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace`;
  const rows = await sequelize.query<CatalogRow>(
    `SELECT t.name, n.nspname AS schema,
            (SELECT array_agg(a.attname::text) FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
            has_schema_privilege(n.oid, 'USAGE') AS usage,
            has_any_column_privilege(c.oid, 'SELECT') AS select, has_any_column_privilege(c.oid, 'INSERT') AS insert,
            has_any_column_privilege(c.oid, 'UPDATE') AS update, has_table_privilege(c.oid, 'DELETE') AS delete
       FROM unnest($1::text[]) AS t(name) ${located}`,
    // On the primary: with read replicas configured, the writes (and so the rights that matter) are there.
    { bind: namespace ? [tables.map((t) => t.table), namespace] : [tables.map((t) => t.table)], type: QueryTypes.SELECT, useMaster: true },
  );
  const byName = new Map(rows.map((row) => [row.name, row]));
  return new Map(
    tables.map((table) => {
      const row = byName.get(table.table);
      const granted: Record<Right, boolean> = { SELECT: !!row?.select, INSERT: !!row?.insert, UPDATE: !!row?.update, DELETE: !!row?.delete };
      const state: TableState = {
        columns: row?.columns?.length ? new Set(row.columns.map((n) => n.toLowerCase())) : null,
        schemaDenied: row?.schema && row.usage === false ? row.schema : undefined,
        missingRights: ADAPTER_RIGHTS[table.model].filter((right) => !granted[right]),
      };
      return [table.table, state];
    }),
  );
}

/** The columns of `table` in the database, or null when the table does not exist (SQLite: no rights to check). */
async function liveColumns(sequelize: Sequelize, table: TableSpec): Promise<Set<string> | null> {
  try {
    const description = await sequelize.getQueryInterface().describeTable(table.table);
    const names = Object.keys(description ?? {});
    return names.length ? new Set(names.map((n) => n.toLowerCase())) : null;
  } catch (error) {
    // Sequelize reports a missing table as "No description found for "users" table …".
    if (error instanceof Error && /No description found/i.test(error.message)) return null;
    throw error;
  }
}

async function liveTables(sequelize: Sequelize, tables: TableSpec[], namespace: string | undefined): Promise<Map<string, TableState>> {
  if (dialectOf(sequelize) === "postgres") return postgresTables(sequelize, tables, namespace);
  const states = new Map<string, TableState>();
  for (const table of tables) states.set(table.table, { columns: await liveColumns(sequelize, table), missingRights: [] });
  return states;
}

/** The table as the messages name it: `"next_auth"."users"` with a configured schema, else `"users"`. */
const tableLabel = (table: TableSpec, namespace: string | undefined) => (namespace ? `"${namespace}"."${table.table}"` : `"${table.table}"`);

/**
 * The rights the connected user lacks on the tables that exist, as one PermissionDeniedError (null when
 * none is missing): a table the adapter cannot read is not a table that is missing.
 */
function permissionProblem(sequelize: Sequelize, tables: TableSpec[], states: Map<string, TableState>, namespace: string | undefined): PermissionDeniedError | null {
  const role = connectedRole(sequelize);
  for (const table of tables) {
    const state = states.get(table.table);
    if (!state?.columns) continue;
    if (state.schemaDenied) return new PermissionDeniedError(`schema "${state.schemaDenied}"`, ["USAGE"], role, `authdb adapter: every table is in it`);
    if (state.missingRights.length) {
      return new PermissionDeniedError(tableLabel(table, namespace), state.missingRights, role, `authdb adapter: ${table.model} needs ${ADAPTER_RIGHTS[table.model].join(", ")}; pass { verify: false } to skip this check`);
    }
  }
  return null;
}

/** What the database lacks: `table "users" is missing`, `table "users" has no column "phone_number" (User.phoneNumber)`. */
function describeMissing(tables: TableSpec[], states: Map<string, TableState>, namespace: string | undefined): string[] {
  const missing: string[] = [];
  for (const table of tables) {
    const columns = states.get(table.table)?.columns;
    if (!columns) {
      missing.push(`table ${tableLabel(table, namespace)} (${table.model}) is missing`);
      continue;
    }
    for (const column of table.columns) {
      if (!columns.has(column.column.toLowerCase())) {
        missing.push(`table "${table.table}" has no column "${column.column}" (${table.model}.${column.attribute})`);
      }
    }
  }
  return missing;
}

/**
 * Checks once per process that every table and column the adapter uses exists, and throws
 * SchemaNotMigratedError naming what is missing, or PermissionDeniedError naming a right the
 * connected user lacks. Only success is cached: after `authdb migrate`,
 * the next call checks again. Reads the catalog only; never creates or alters anything.
 */
export function verifySchema(sequelize: Sequelize, schema: Schema, namespace?: string): Promise<void> {
  let bySchema = verified.get(sequelize);
  if (!bySchema) {
    bySchema = new Map();
    verified.set(sequelize, bySchema);
  }
  // SQLite has no schemas: a configured one is ignored there (docs/config.md).
  const where = dialectOf(sequelize) === "postgres" ? namespace : undefined;
  const key = `${where ?? ""}:${fingerprint(schema)}`;
  let check = bySchema.get(key);
  if (!check) {
    check = verifyTables(sequelize, schema, where);
    const cache = bySchema;
    check.catch(() => cache.delete(key));
    bySchema.set(key, check);
  }
  return check;
}

/** Missing tables and columns first (the migrations were not applied), then missing rights. */
async function verifyTables(sequelize: Sequelize, schema: Schema, namespace: string | undefined): Promise<void> {
  const tables = tablesInOrder(schema);
  const states = await liveTables(sequelize, tables, namespace);
  const missing = describeMissing(tables, states, namespace);
  if (missing.length) throw new SchemaNotMigratedError(missing);
  const denied = permissionProblem(sequelize, tables, states, namespace);
  if (denied) throw denied;
}
