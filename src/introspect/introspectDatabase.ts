import type { Sequelize } from "sequelize";
import { dialectOf, isMysqlFamily } from "../database";
import { InvalidInputError } from "../errors";
import { BOOKKEEPING_TABLES, bookkeepingTables } from "../migrator";
import { introspectMysql, listMysqlTables } from "./mysql";
import { introspectPostgres, listPostgresTables } from "./postgres";
import { introspectSqlite, listSqliteTables } from "./sqlite";
import type { DatabaseSchema, TableShape } from "./types";

export { BOOKKEEPING_TABLES };

interface CatalogReader {
  listTables(sequelize: Sequelize): Promise<string[]>;
  introspect(sequelize: Sequelize, tableNames: string[]): Promise<TableShape[]>;
}

const POSTGRES: CatalogReader = { listTables: listPostgresTables, introspect: introspectPostgres };
const SQLITE: CatalogReader = { listTables: listSqliteTables, introspect: introspectSqlite };
const MYSQL: CatalogReader = { listTables: listMysqlTables, introspect: introspectMysql };

function readerFor(sequelize: Sequelize): CatalogReader {
  const dialect = dialectOf(sequelize);
  if (dialect === "postgres") return POSTGRES;
  if (dialect === "sqlite") return SQLITE;
  if (isMysqlFamily(dialect)) return MYSQL;
  throw new InvalidInputError(
    `reading the schema of a ${dialect} database is not supported (check and verify work on PostgreSQL, SQLite, MySQL and MariaDB)`,
    "Run `authdb check` / `authdb verify` against a PostgreSQL, SQLite or MySQL/MariaDB database.",
  );
}

/**
 * Every table of the database (current schema on PostgreSQL, the URL's database on MySQL/MariaDB) except
 * the migrator's bookkeeping tables.
 */
export async function listApplicationTables(sequelize: Sequelize): Promise<string[]> {
  const all = await readerFor(sequelize).listTables(sequelize);
  const bookkeeping = bookkeepingTables(sequelize);
  return all.filter((name) => !bookkeeping.includes(name));
}

/**
 * Reads `tableNames` (default: every application table) from the live database into the neutral
 * DatabaseSchema. Read-only: catalog queries only. Tables that do not exist are absent from the result.
 */
export async function introspectDatabase(sequelize: Sequelize, tableNames?: string[]): Promise<DatabaseSchema> {
  const reader = readerFor(sequelize);
  const names = tableNames ?? (await listApplicationTables(sequelize));
  const tables = await reader.introspect(sequelize, names);
  return { tables: Object.fromEntries(tables.map((table) => [table.name, table])) };
}
