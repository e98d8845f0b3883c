import { QueryTypes, type Sequelize } from "sequelize";
import { dialectOf, quoteIdentifier } from "../database";
import { AuthdbError, ExitCode } from "../errors";
import { LOCK_TABLE } from "./lock";
import { CHECKSUM_TABLE, META_TABLE } from "./metaStore";

/** Table → its columns, as the current connection sees them (bookkeeping tables left out). */
export type Catalog = Map<string, Set<string>>;

const BOOKKEEPING = new Set([META_TABLE, CHECKSUM_TABLE, LOCK_TABLE]);

/** The tables and columns of the current schema (PostgreSQL: current_schema(), never a fixed 'public'). */
export async function readCatalog(sequelize: Sequelize): Promise<Catalog> {
  const sql =
    dialectOf(sequelize) === "sqlite"
      ? `SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m JOIN pragma_table_info(m.name) p
          WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`
      : dialectOf(sequelize) === "postgres"
        ? `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`
        : `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`;
  const rows = await sequelize.query<{ table_name: string; column_name: string }>(sql, { type: QueryTypes.SELECT });
  const catalog: Catalog = new Map();
  for (const { table_name: table, column_name: column } of rows) {
    if (BOOKKEEPING.has(table)) continue;
    if (!catalog.has(table)) catalog.set(table, new Set());
    catalog.get(table)!.add(column);
  }
  return catalog;
}

export interface Loss {
  table: string;
  /** A dropped column; absent when the whole table is dropped. */
  column?: string;
  /** Rows of a dropped table, or non-NULL values of a dropped column. */
  count: number;
}

/** What `after` lacks of `before` and held data in `before` (counted now, with `before`'s tables in place). */
export async function countLosses(sequelize: Sequelize, before: Catalog, after: Catalog): Promise<Loss[]> {
  const q = (name: string) => quoteIdentifier(sequelize, name);
  const count = async (sql: string) => Number((await sequelize.query<{ n: number | string }>(sql, { type: QueryTypes.SELECT }))[0]?.n ?? 0);
  const losses: Loss[] = [];
  for (const [table, columns] of before) {
    const remaining = after.get(table);
    if (!remaining) {
      const rows = await count(`SELECT COUNT(*) AS n FROM ${q(table)}`);
      if (rows > 0) losses.push({ table, count: rows });
      continue;
    }
    for (const column of columns) {
      if (remaining.has(column)) continue;
      const values = await count(`SELECT COUNT(${q(column)}) AS n FROM ${q(table)}`);
      if (values > 0) losses.push({ table, column, count: values });
    }
  }
  return losses;
}

const ACCEPT_HINT = "Back the data up first, then run again with --accept-data-loss. (authdb verify works on its own scratch database and needs no flag.)";

/** A revert that would drop tables or columns holding data, refused before anything changed. */
export class DataLossRefusedError extends AuthdbError {
  constructor(
    readonly losses: Loss[],
    reverting: string[],
  ) {
    const what = losses.map((l) => (l.column ? `column ${l.table}.${l.column} (${l.count} value${l.count === 1 ? "" : "s"})` : `table ${l.table} (${l.count} row${l.count === 1 ? "" : "s"})`));
    super(`reverting ${reverting.join(", ")} would drop data: ${what.join(", ")}. Nothing was changed`, ExitCode.migrationFailed, ACCEPT_HINT);
  }
}

/** A revert whose effect cannot be tried in a transaction first, so authdb cannot tell what it drops. */
export class UncheckedRevertError extends AuthdbError {
  constructor(why: string) {
    super(`cannot check whether this revert drops data: ${why}. Nothing was changed`, ExitCode.migrationFailed, ACCEPT_HINT);
  }
}
