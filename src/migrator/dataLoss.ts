import { QueryTypes, type Sequelize } from "sequelize";
import { dialectOf, quoteIdentifier } from "../database";
import { AuthdbError, ExitCode } from "../errors";
import { bookkeepingTables } from "./metaStore";

/** Table → its columns, as the current connection sees them (bookkeeping tables left out). */
export type Catalog = Map<string, Set<string>>;

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
  const bookkeeping = bookkeepingTables(sequelize);
  for (const { table_name: table, column_name: column } of rows) {
    if (bookkeeping.includes(table)) continue;
    if (!catalog.has(table)) catalog.set(table, new Set());
    catalog.get(table)!.add(column);
  }
  return catalog;
}

export interface Loss {
  table: string;
  /** A column's values; absent when the loss is rows of the table. */
  column?: string;
  /** Rows (or non-NULL values) that existed before and are gone after. */
  count: number;
  /** The table or column itself is gone, or only some of its content. */
  dropped: boolean;
}

/** Rows per table and non-NULL values per column: what a revert may not lose unasked. */
export interface TableContents {
  rows: number;
  values: Map<string, number>;
}
export type Contents = Map<string, TableContents>;

/** Counts every table's rows and every column's non-NULL values, one scan per table. */
export async function measureContents(sequelize: Sequelize, catalog: Catalog): Promise<Contents> {
  const q = (name: string) => quoteIdentifier(sequelize, name);
  const contents: Contents = new Map();
  for (const [table, columns] of catalog) {
    const names = [...columns];
    const counts = names.map((column, i) => `COUNT(${q(column)}) AS ${q(`c${i}`)}`);
    const [row] = await sequelize.query<Record<string, number | string>>(`SELECT ${["COUNT(*) AS rows_total", ...counts].join(", ")} FROM ${q(table)}`, {
      type: QueryTypes.SELECT,
    });
    contents.set(table, { rows: Number(row?.rows_total ?? 0), values: new Map(names.map((column, i) => [column, Number(row?.[`c${i}`] ?? 0)])) });
  }
  return contents;
}

/** What `after` lacks of `before`: dropped tables and columns that held data, deleted rows, cleared values. */
export function findLosses(before: Contents, after: Contents): Loss[] {
  const losses: Loss[] = [];
  const unclaimed = new Set([...after.keys()].filter((table) => !before.has(table)));
  for (const [table, { rows, values }] of before) {
    const remaining = after.get(table) ?? claimRenamedTable(values, rows, after, unclaimed);
    if (!remaining) {
      if (rows > 0) losses.push({ table, count: rows, dropped: true });
      continue;
    }
    if (remaining.rows < rows) losses.push({ table, count: rows - remaining.rows, dropped: false });
    const newColumns = new Map([...remaining.values].filter(([column]) => !values.has(column)));
    for (const [column, count] of values) {
      const left = remaining.values.get(column) ?? claimRenamedColumn(count, newColumns);
      if (left === undefined && count > 0) losses.push({ table, column, count, dropped: true });
      else if (left !== undefined && left < count && remaining.rows >= rows) losses.push({ table, column, count: count - left, dropped: false });
    }
  }
  return losses;
}

/**
 * A revert that renames a table back: a new table with at least the rows and most of the same columns is
 * the same data (the migration may also have added or dropped a column; those are compared one by one).
 */
function claimRenamedTable(values: Map<string, number>, rows: number, after: Contents, unclaimed: Set<string>): TableContents | undefined {
  for (const candidate of unclaimed) {
    const contents = after.get(candidate)!;
    const shared = [...values.keys()].filter((column) => contents.values.has(column)).length;
    if (contents.rows >= rows && shared * 2 > values.size) {
      unclaimed.delete(candidate);
      return contents;
    }
  }
  return undefined;
}

/** A revert that renames a column back: a new column of the table holding at least as many values took them. */
function claimRenamedColumn(count: number, newColumns: Map<string, number>): number | undefined {
  for (const [column, held] of newColumns) {
    if (held >= count) {
      newColumns.delete(column);
      return held;
    }
  }
  return undefined;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function describeLoss(loss: Loss): string {
  if (loss.column) return loss.dropped ? `column ${loss.table}.${loss.column} (${plural(loss.count, "value")})` : `${plural(loss.count, "value")} of ${loss.table}.${loss.column}`;
  return loss.dropped ? `table ${loss.table} (${plural(loss.count, "row")})` : `${plural(loss.count, "row")} of ${loss.table}`;
}

const ACCEPT_HINT = "Back the data up first, then run again with --accept-data-loss. (authdb verify works on its own scratch database and needs no flag.)";

/** A revert that would drop tables or columns holding data, refused before anything changed. */
export class DataLossRefusedError extends AuthdbError {
  constructor(
    readonly losses: Loss[],
    reverting: string[],
  ) {
    super(`reverting ${reverting.join(", ")} would drop data: ${losses.map(describeLoss).join(", ")}. Nothing was changed`, ExitCode.migrationFailed, ACCEPT_HINT);
  }
}

/** A revert whose effect cannot be tried in a transaction first, so authdb cannot tell what it drops. */
export class UncheckedRevertError extends AuthdbError {
  constructor(why: string) {
    super(`cannot check whether this revert drops data: ${why}. Nothing was changed`, ExitCode.migrationFailed, ACCEPT_HINT);
  }
}
