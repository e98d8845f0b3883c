import { MODEL_NAMES, type ColumnSpec, type ColumnType, type IndexSpec, type ModelName, type Schema, type TableSpec } from "../schema";
import type { SchemaChange } from "./schemaChange";

/** A rename the user declared: `--rename User.phone=phoneNumber` (attributes or column names). */
export interface ColumnRename {
  model: ModelName;
  from: string;
  to: string;
}

/** A step that can lose data or fail on existing rows; generate refuses it without --allow-destructive. */
export interface Risk {
  change: SchemaChange;
  /** `drops column users.phone and its data`. */
  message: string;
  /** How to make it safe or say what is meant: `add a defaultValue`, `--rename User.phone=phoneNumber`. */
  hint?: string;
}

export interface SchemaPlan {
  changes: SchemaChange[];
  risks: Risk[];
}

/** Types that hold every value of the type on the left: changing to one of them loses nothing. */
const WIDER: Partial<Record<ColumnType, ColumnType[]>> = {
  STRING: ["TEXT"],
  INTEGER: ["BIGINT", "DECIMAL"],
  BIGINT: ["DECIMAL"],
};

function describeType(column: ColumnSpec): string {
  if (column.type === "DECIMAL" && column.precision !== undefined) return `DECIMAL(${column.precision}${column.scale !== undefined ? `, ${column.scale}` : ""})`;
  return column.length !== undefined ? `${column.type}(${column.length})` : column.type;
}

/** Whether every value `from` holds fits `to` (same type, longer or equal length, or a wider type). */
function widens(from: ColumnSpec, to: ColumnSpec): boolean {
  if (from.type !== to.type) return WIDER[from.type]?.includes(to.type) === true && (to.type !== "DECIMAL" || to.precision === undefined);
  if (from.type === "STRING" || from.type === "DATE") return (to.length ?? Infinity) >= (from.length ?? (from.type === "STRING" ? 255 : 0));
  if (from.type === "DECIMAL") {
    if (to.precision === undefined) return true;
    if (from.precision === undefined) return false;
    const scaleFrom = from.scale ?? 0;
    const scaleTo = to.scale ?? 0;
    return scaleTo >= scaleFrom && to.precision - scaleTo >= from.precision - scaleFrom;
  }
  return true;
}

function sameShape(a: ColumnSpec, b: ColumnSpec): boolean {
  return (
    a.type === b.type &&
    a.length === b.length &&
    a.precision === b.precision &&
    a.scale === b.scale &&
    a.allowNull === b.allowNull &&
    a.defaultValue === b.defaultValue &&
    Boolean(a.primaryKey) === Boolean(b.primaryKey)
  );
}

function sameIndex(a: IndexSpec, b: IndexSpec): boolean {
  return a.unique === b.unique && a.columns.length === b.columns.length && a.columns.every((c, i) => c === b.columns[i]);
}

/** The column `column` was renamed to, if the user declared it and it really is one (old name gone, new name new). */
function findRename(renames: ColumnRename[], model: ModelName, before: TableSpec, after: TableSpec, column: ColumnSpec): ColumnSpec | undefined {
  const named = (table: TableSpec, name: string) => table.columns.find((c) => c.attribute === name || c.column === name);
  const rename = renames.find((r) => r.model === model && (r.from === column.attribute || r.from === column.column));
  if (!rename || named(after, rename.from)) return undefined;
  const target = named(after, rename.to);
  return target && !named(before, rename.to) ? target : undefined;
}

/** The steps that take one table from `before` to `after` (same model), and their risks. */
function planTable(model: ModelName, before: TableSpec, after: TableSpec, renames: ColumnRename[], plan: SchemaPlan): void {
  const at = (column: string) => `${after.table}.${column}`;
  const risky = (change: SchemaChange, message: string, hint?: string) => plan.risks.push({ change, message, hint });
  const push = (change: SchemaChange) => plan.changes.push(change);
  if (before.table !== after.table) push({ kind: "rename-table", from: before.table, to: after.table });
  const table = after.table;

  // Column renames first: the indexes below are compared on the renamed columns.
  const renamedTo = new Map<string, string>();
  for (const column of before.columns) {
    const target = findRename(renames, model, before, after, column);
    if (!target) continue;
    renamedTo.set(column.column, target.column);
    const change: SchemaChange = { kind: "rename-column", table, from: column, to: { ...target } };
    push(change);
  }
  const columnAfterRename = (column: string) => renamedTo.get(column) ?? column;
  const indexesBefore = before.indexes.map((index) => ({ ...index, columns: index.columns.map(columnAfterRename) }));

  // Indexes that go away or are renamed, before the columns they cover are dropped or changed.
  const keptIndexNames = new Set<string>();
  for (const index of indexesBefore) {
    const same = after.indexes.find((candidate) => candidate.name === index.name);
    if (same && sameIndex(index, same)) {
      keptIndexNames.add(same.name);
      continue;
    }
    const renamed = !same && after.indexes.find((candidate) => sameIndex(index, candidate) && !indexesBefore.some((b) => b.name === candidate.name));
    if (renamed) {
      keptIndexNames.add(renamed.name);
      push({ kind: "rename-index", table, from: index, to: renamed });
      continue;
    }
    const change: SchemaChange = { kind: "remove-index", table, index };
    push(change);
    if (!same) risky(change, `drops index ${index.name} on ${table} (${index.columns.join(", ")})`);
  }

  const removed: ColumnSpec[] = [];
  for (const column of before.columns) {
    if (renamedTo.has(column.column)) continue;
    if (after.columns.some((c) => c.column === column.column)) continue;
    removed.push(column);
  }
  const added = after.columns.filter((column) => !before.columns.some((c) => c.column === column.column) && ![...renamedTo.values()].includes(column.column));

  for (const column of added) {
    const change: SchemaChange = { kind: "add-column", table, column };
    push(change);
    if (!column.allowNull && column.defaultValue === undefined) {
      risky(change, `adds ${at(column.column)} as NOT NULL without a default: it fails on a table that has rows`, `give extend.${model}.${column.attribute} a defaultValue, or make it allowNull: true`);
    }
  }
  for (const column of removed) {
    const change: SchemaChange = { kind: "remove-column", table, column };
    push(change);
    const twin = added.find((c) => c.type === column.type);
    risky(
      change,
      `drops column ${before.table}.${column.column} and every value in it`,
      twin ? `if ${column.attribute} was renamed to ${twin.attribute}, say so and keep the data: --rename ${model}.${column.attribute}=${twin.attribute}` : undefined,
    );
  }

  // The table as its column changes leave it: the indexes added below do not exist yet.
  const tableAfter: TableSpec = { ...after, indexes: after.indexes.filter((index) => keptIndexNames.has(index.name)) };
  for (const column of after.columns) {
    const previous = before.columns.find((c) => columnAfterRename(c.column) === column.column);
    if (!previous || sameShape({ ...previous, column: column.column }, column)) continue;
    const from = { ...previous, column: column.column, attribute: column.attribute };
    const change: SchemaChange = { kind: "change-column", table, from, to: column, tableAfter };
    push(change);
    if (!widens(from, column)) risky(change, `changes ${at(column.column)} from ${describeType(from)} to ${describeType(column)}, which may not hold every existing value`);
    if (from.allowNull && !column.allowNull) risky(change, `makes ${at(column.column)} NOT NULL: it fails if a row holds NULL there`, "fill the NULLs in a migration of your own first (authdb create), then generate again");
  }

  // New indexes last, once their columns exist. On an existing table PostgreSQL builds them CONCURRENTLY.
  for (const index of after.indexes) {
    if (keptIndexNames.has(index.name)) continue;
    push({ kind: "add-index", table, index, concurrently: true });
  }
}

/**
 * The changes that take a database from schema `before` (the snapshot: what the migrations hold) to
 * `after` (today's config), in an order every dialect can run, with the risky ones listed. Tables are
 * matched by Auth.js model, columns by name unless a rename is declared, indexes by name and shape.
 */
export function planSchemaChanges(before: Schema, after: Schema, renames: ColumnRename[] = []): SchemaPlan {
  const plan: SchemaPlan = { changes: [], risks: [] };
  for (const model of MODEL_NAMES) {
    const previous = before.tables[model];
    const next = after.tables[model];
    if (!previous) {
      plan.changes.push({ kind: "create-table", table: next });
      continue;
    }
    planTable(model, previous, next, renames, plan);
  }
  // Last: it reads the live columns, so the ones added above are converted too.
  for (const model of MODEL_NAMES) {
    if (after.tables[model].exactText && !before.tables[model]?.exactText) plan.changes.push({ kind: "exact-text", table: after.tables[model].table });
  }
  return plan;
}

/** One readable line per change, for the CLI. */
export function describeChange(change: SchemaChange): string {
  switch (change.kind) {
    case "create-table":
      return `create table ${change.table.table}`;
    case "drop-table":
      return `drop table ${change.table.table}`;
    case "rename-table":
      return `rename table ${change.from} to ${change.to}`;
    case "add-column":
      return `add column ${change.table}.${change.column.column} (${describeType(change.column)}${change.column.allowNull ? "" : ", NOT NULL"}${change.column.defaultValue !== undefined ? `, default ${JSON.stringify(change.column.defaultValue)}` : ""})`;
    case "remove-column":
      return `drop column ${change.table}.${change.column.column}`;
    case "rename-column":
      return `rename column ${change.table}.${change.from.column} to ${change.to.column}`;
    case "change-column": {
      const parts: string[] = [];
      if (describeType(change.from) !== describeType(change.to)) parts.push(`${describeType(change.from)} → ${describeType(change.to)}`);
      if (change.from.allowNull !== change.to.allowNull) parts.push(change.to.allowNull ? "NULL allowed" : "NOT NULL");
      if (change.from.defaultValue !== change.to.defaultValue) parts.push(change.to.defaultValue === undefined ? "no default" : `default ${JSON.stringify(change.to.defaultValue)}`);
      return `change column ${change.table}.${change.to.column} (${parts.join(", ")})`;
    }
    case "add-index":
      return `add ${change.index.unique ? "unique " : ""}index ${change.index.name} on ${change.table} (${change.index.columns.join(", ")})`;
    case "remove-index":
      return `drop index ${change.index.name} on ${change.table}`;
    case "rename-index":
      return `rename index ${change.from.name} to ${change.to.name}`;
    case "exact-text":
      return `make text in ${change.table} compare exactly (MySQL/MariaDB: a NO PAD binary utf8mb4 collation)`;
  }
}
