import { QueryTypes, type Sequelize } from "sequelize";
import { dialectOf, quoteIdentifier } from "../database";
import { AuthdbError, ExitCode } from "../errors";
import { definitionKeepsValues } from "./columnWidening";
import { bookkeepingTables } from "./metaStore";
import { revertEffects } from "./revertEffects";

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

/** One revert's statements as preview mode captured them (what it would send, reads left out). */
export interface PreviewedRevert {
  name: string;
  statements: string[];
}

/** A column's type as the server has it, for weighing a CHANGE/MODIFY. */
async function readColumnTypes(sequelize: Sequelize): Promise<Map<string, { type: string; charset: string | null }>> {
  const rows = await sequelize.query<{ table_name: string; column_name: string; column_type: string; charset: string | null }>(
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, COLUMN_TYPE AS column_type, CHARACTER_SET_NAME AS charset
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`,
    { type: QueryTypes.SELECT },
  );
  return new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, { type: String(row.column_type), charset: row.charset }]));
}

/**
 * `down`'s data-loss check where DDL cannot be rolled back (MySQL/MariaDB): from the statements the reverts
 * would send (preview mode), the existing tables and columns they drop, and a CHANGE/MODIFY that may not
 * keep a column's values; then counts those tables' rows and those columns' non-NULL values. Returns what
 * would be lost; throws UncheckedRevertError, naming the statement, for one it cannot classify (a DELETE,
 * an UPDATE, raw SQL it does not understand) or a narrowing change of a column that holds values.
 * Renames are followed, so a table renamed and then dropped counts as the table it was.
 */
export async function previewedLosses(sequelize: Sequelize, reverts: PreviewedRevert[]): Promise<Loss[]> {
  const catalog = await readCatalog(sequelize);
  // Current name → the existing table (or column) it is, as the reverts rename and drop; null: none (new, or gone).
  const tables = new Map<string, string | null>();
  const tableOf = (name: string) => (tables.has(name) ? tables.get(name)! : catalog.has(name) ? name : null);
  const columns = new Map<string, string | null>();
  const columnOf = (table: string, name: string) => {
    const key = `${table}\u0000${name}`;
    return columns.has(key) ? columns.get(key)! : catalog.get(table)?.has(name) ? name : null;
  };
  const droppedTables = new Set<string>();
  const droppedColumns = new Map<string, Set<string>>();
  const changed: Array<{ table: string; column: string; definition: string; statement: string; migration: string }> = [];
  for (const { name: migration, statements } of reverts) {
    for (const statement of statements) {
      for (const effect of revertEffects(statement)) {
        if (effect.kind === "unknown") {
          throw new UncheckedRevertError(`${migration}'s down() would send a statement the check cannot classify as loss-free or a drop: ${statement}`);
        }
        if (effect.kind === "none") continue;
        if (effect.kind === "rename-table") {
          tables.set(effect.to, tableOf(effect.from));
          tables.set(effect.from, null);
          continue;
        }
        const table = tableOf(effect.table);
        if (effect.kind === "drop-table") {
          if (table) droppedTables.add(table);
          tables.set(effect.table, null);
          continue;
        }
        if (!table) continue; // a table the reverts themselves created: nothing stored in it yet
        if (effect.kind === "rename-column") {
          columns.set(`${table}\u0000${effect.to}`, columnOf(table, effect.from));
          columns.set(`${table}\u0000${effect.from}`, null);
          continue;
        }
        const column = columnOf(table, effect.column);
        if (!column) continue;
        if (effect.kind === "drop-column") {
          if (!droppedColumns.has(table)) droppedColumns.set(table, new Set());
          droppedColumns.get(table)!.add(column);
          columns.set(`${table}\u0000${effect.column}`, null);
        } else changed.push({ table, column, definition: effect.definition, statement, migration });
      }
    }
  }
  // A changed column keeps its values when the new type is as wide; otherwise it must hold none.
  const types = changed.length ? await readColumnTypes(sequelize) : new Map<string, { type: string; charset: string | null }>();
  const narrowing = changed.filter(({ table, column, definition }) => {
    const current = types.get(`${table}.${column}`);
    return !current || !definitionKeepsValues(current.type, current.charset, definition);
  });
  const toCount: Catalog = new Map();
  const count = (table: string, column?: string) => {
    if (!toCount.has(table)) toCount.set(table, new Set());
    if (column) toCount.get(table)!.add(column);
  };
  for (const table of droppedTables) count(table);
  for (const [table, names] of droppedColumns) if (!droppedTables.has(table)) for (const column of names) count(table, column);
  for (const { table, column } of narrowing) if (!droppedTables.has(table)) count(table, column);
  const contents = await measureContents(sequelize, toCount);
  for (const { table, column, statement, migration } of narrowing) {
    const held = contents.get(table)?.values.get(column) ?? 0;
    if (held > 0) {
      throw new UncheckedRevertError(
        `${migration}'s down() would change ${table}.${column}, which holds ${plural(held, "value")}, to a type the check cannot tell keeps them: ${statement}`,
      );
    }
  }
  const losses: Loss[] = [];
  for (const [table, { rows, values }] of contents) {
    if (droppedTables.has(table)) {
      if (rows > 0) losses.push({ table, count: rows, dropped: true });
      continue;
    }
    for (const column of droppedColumns.get(table) ?? []) {
      const held = values.get(column) ?? 0;
      if (held > 0) losses.push({ table, column, count: held, dropped: true });
    }
  }
  return losses;
}
