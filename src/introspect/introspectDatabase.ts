import type { Sequelize } from "sequelize";
import { dialectOf } from "../database";
import { InvalidInputError } from "../errors";
import { BOOKKEEPING_TABLES, bookkeepingTables } from "../migrator";
import { introspectPostgres, listPostgresTables } from "./postgres";
import { introspectSqlite, listSqliteTables } from "./sqlite";
import type { DatabaseSchema, TableShape } from "./types";

export { BOOKKEEPING_TABLES };

function unsupported(sequelize: Sequelize): InvalidInputError {
  return new InvalidInputError(
    `reading the schema of a ${dialectOf(sequelize)} database is not supported yet (check and verify work on PostgreSQL and SQLite)`,
    "Run `authdb check` / `authdb verify` against a PostgreSQL or SQLite copy of the schema.",
  );
}

/** Every table of the database (current schema on PostgreSQL) except the migrator's bookkeeping tables. */
export async function listApplicationTables(sequelize: Sequelize): Promise<string[]> {
  const dialect = dialectOf(sequelize);
  const all = dialect === "postgres" ? await listPostgresTables(sequelize) : dialect === "sqlite" ? await listSqliteTables(sequelize) : undefined;
  if (!all) throw unsupported(sequelize);
  const bookkeeping = bookkeepingTables(sequelize);
  return all.filter((name) => !bookkeeping.includes(name));
}

/**
 * Reads `tableNames` (default: every application table) from the live database into the neutral
 * DatabaseSchema. Read-only: catalog queries only. Tables that do not exist are absent from the result.
 */
export async function introspectDatabase(sequelize: Sequelize, tableNames?: string[]): Promise<DatabaseSchema> {
  const names = tableNames ?? (await listApplicationTables(sequelize));
  const dialect = dialectOf(sequelize);
  let tables: TableShape[];
  if (dialect === "postgres") tables = await introspectPostgres(sequelize, names);
  else if (dialect === "sqlite") tables = await introspectSqlite(sequelize, names);
  else throw unsupported(sequelize);
  return { tables: Object.fromEntries(tables.map((table) => [table.name, table])) };
}
