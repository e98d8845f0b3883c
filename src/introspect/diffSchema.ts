import type { ColumnShape, DatabaseSchema, Difference, ForeignKeyShape, KeyShape, TableShape } from "./types";
import { EXACT, isExactCollation } from "./exactCollation";

export interface DiffOptions {
  /** Report tables the expected side does not know. Off for `check`: apps keep their own tables next to Auth.js's. */
  strict?: boolean;
}

const list = (columns: string[]) => `(${columns.join(", ")})`;
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((value, i) => value === b[i]);
const describeColumn = (column: ColumnShape) => `${column.type}, ${column.nullable ? "nullable" : "NOT NULL"}`;
const describeForeignKey = (key: ForeignKeyShape) => `${list(key.columns)} → ${key.table}${list(key.referencedColumns)} ON DELETE ${key.onDelete}`;

function diffColumns(expected: TableShape, actual: TableShape, out: Difference[]): void {
  const table = expected.name;
  const actualByName = new Map(actual.columns.map((c) => [c.name, c]));
  const expectedNames = new Set(expected.columns.map((c) => c.name));
  for (const want of expected.columns) {
    const have = actualByName.get(want.name);
    const where = `${table}.${want.name}`;
    if (!have) {
      out.push({ kind: "missing-column", table, column: want.name, expected: describeColumn(want), message: `${where}: column is missing (expected ${describeColumn(want)})` });
      continue;
    }
    if (have.type !== want.type) {
      out.push({ kind: "type", table, column: want.name, expected: want.type, actual: have.type, message: `${where}: type is ${have.type}, expected ${want.type}` });
    }
    if (have.nullable !== want.nullable) {
      const spell = (nullable: boolean) => (nullable ? "nullable" : "NOT NULL");
      out.push({ kind: "nullability", table, column: want.name, expected: spell(want.nullable), actual: spell(have.nullable), message: `${where}: is ${spell(have.nullable)}, expected ${spell(want.nullable)}` });
    }
    if (want.collation === EXACT && have.collation && !isExactCollation(have.collation)) {
      out.push({
        kind: "collation",
        table,
        column: want.name,
        expected: "a NO PAD binary collation (utf8mb4_nopad_bin, utf8mb4_0900_bin)",
        actual: have.collation,
        message: `${where}: collation is ${have.collation}, which ignores case or trailing spaces; expected exact comparison (utf8mb4_nopad_bin on MariaDB, utf8mb4_0900_bin on MySQL)`,
      });
    }
    // Only compared when the expected side states a default (snapshots of one database do; a Schema does not).
    if (want.default !== undefined && (have.default ?? null) !== want.default) {
      const spell = (value: string | null | undefined) => value ?? "none";
      out.push({ kind: "default", table, column: want.name, expected: spell(want.default), actual: spell(have.default), message: `${where}: default is ${spell(have.default)}, expected ${spell(want.default)}` });
    }
  }
  for (const have of actual.columns) {
    if (expectedNames.has(have.name)) continue;
    out.push({ kind: "extra-column", table, column: have.name, actual: describeColumn(have), message: `${table}.${have.name}: column is not in the schema (${describeColumn(have)})` });
  }
}

/**
 * Matches keys by their columns (the order matters: it is what makes an index usable), so a renamed
 * index is one "index-name" difference rather than a missing plus an extra one.
 */
function diffKeys(table: string, expected: KeyShape[], actual: KeyShape[], what: "unique" | "index", out: Difference[]): void {
  const label = what === "unique" ? "unique key" : "index";
  const unmatched = [...actual];
  for (const want of expected) {
    const at = unmatched.findIndex((key) => key.name === want.name && sameList(key.columns, want.columns));
    const sameColumns = at >= 0 ? at : unmatched.findIndex((key) => sameList(key.columns, want.columns));
    if (sameColumns < 0) {
      out.push({ kind: what === "unique" ? "missing-unique" : "missing-index", table, expected: `${want.name} ${list(want.columns)}`, message: `${table}: ${label} ${want.name} on ${list(want.columns)} is missing` });
      continue;
    }
    const [have] = unmatched.splice(sameColumns, 1);
    if (have.name !== want.name) {
      out.push({ kind: "index-name", table, expected: want.name, actual: have.name, message: `${table}: ${label} on ${list(want.columns)} is named ${have.name}, expected ${want.name}` });
    }
  }
  for (const have of unmatched) {
    out.push({ kind: what === "unique" ? "extra-unique" : "extra-index", table, actual: `${have.name} ${list(have.columns)}`, message: `${table}: ${label} ${have.name} on ${list(have.columns)} is not in the schema` });
  }
}

function diffForeignKeys(expected: TableShape, actual: TableShape, out: Difference[]): void {
  const table = expected.name;
  const unmatched = [...actual.foreignKeys];
  for (const want of expected.foreignKeys) {
    const at = unmatched.findIndex((key) => sameList(key.columns, want.columns));
    const column = want.columns.length === 1 ? want.columns[0] : undefined;
    const where = column ? `${table}.${column}` : `${table} ${list(want.columns)}`;
    if (at < 0) {
      out.push({ kind: "missing-foreign-key", table, column, expected: describeForeignKey(want), message: `${where}: foreign key ${describeForeignKey(want)} is missing` });
      continue;
    }
    const [have] = unmatched.splice(at, 1);
    if (have.table !== want.table || !sameList(have.referencedColumns, want.referencedColumns)) {
      const target = (key: ForeignKeyShape) => `${key.table}${list(key.referencedColumns)}`;
      out.push({ kind: "foreign-key-target", table, column, expected: target(want), actual: target(have), message: `${where}: foreign key references ${target(have)}, expected ${target(want)}` });
    }
    if (have.onDelete !== want.onDelete) {
      out.push({ kind: "foreign-key-action", table, column, expected: `ON DELETE ${want.onDelete}`, actual: `ON DELETE ${have.onDelete}`, message: `${where}: foreign key is ON DELETE ${have.onDelete}, expected ON DELETE ${want.onDelete}` });
    }
    if (want.onUpdate !== undefined && have.onUpdate !== want.onUpdate) {
      out.push({ kind: "foreign-key-action", table, column, expected: `ON UPDATE ${want.onUpdate}`, actual: `ON UPDATE ${have.onUpdate ?? "NO ACTION"}`, message: `${where}: foreign key is ON UPDATE ${have.onUpdate ?? "NO ACTION"}, expected ON UPDATE ${want.onUpdate}` });
    }
  }
  for (const have of unmatched) {
    const column = have.columns.length === 1 ? have.columns[0] : undefined;
    out.push({ kind: "extra-foreign-key", table, column, actual: describeForeignKey(have), message: `${column ? `${table}.${column}` : table}: foreign key ${describeForeignKey(have)} is not in the schema` });
  }
}

function diffTable(expected: TableShape, actual: TableShape, out: Difference[]): void {
  diffColumns(expected, actual, out);
  if (!sameList(expected.primaryKey, actual.primaryKey)) {
    const spell = (columns: string[]) => (columns.length ? list(columns) : "none");
    out.push({ kind: "primary-key", table: expected.name, expected: spell(expected.primaryKey), actual: spell(actual.primaryKey), message: `${expected.name}: primary key is ${spell(actual.primaryKey)}, expected ${spell(expected.primaryKey)}` });
  }
  diffKeys(expected.name, expected.uniques, actual.uniques, "unique", out);
  diffKeys(expected.name, expected.indexes, actual.indexes, "index", out);
  diffForeignKeys(expected, actual, out);
}

/**
 * Every way `actual` differs from `expected`, in table order of `expected`, one readable message each.
 * An empty list means they match. Every column, key and index of an expected table is compared both
 * ways (an extra column on an Auth.js table is drift); tables only `actual` has count with `strict`.
 */
export function diffSchema(expected: DatabaseSchema, actual: DatabaseSchema, options: DiffOptions = {}): Difference[] {
  const out: Difference[] = [];
  for (const want of Object.values(expected.tables)) {
    const have = actual.tables[want.name];
    if (!have) out.push({ kind: "missing-table", table: want.name, message: `table ${want.name} is missing` });
    else diffTable(want, have, out);
  }
  if (options.strict) {
    for (const name of Object.keys(actual.tables).sort()) {
      if (!expected.tables[name]) out.push({ kind: "extra-table", table: name, message: `table ${name} is not in the schema` });
    }
  }
  return out;
}
