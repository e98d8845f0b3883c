import type { Difference, DatabaseSchema, ForeignKeyShape, KeyShape, TableShape } from "../introspect";
import { tablesInOrder, toColumnName, type Schema, type TableSpec } from "../schema";
import { afterTable, beforeTable, type Layout, type LayoutDialect } from "./layout";

/** A change the adoption migration makes that rows must survive: baseline looks at the rows first. */
export type RowCheck =
  | { kind: "not-null"; table: string; column: string }
  | { kind: "unique"; table: string; columns: string[]; key: string }
  | { kind: "references"; table: string; key: ForeignKeyShape };

export interface LayoutAnalysis {
  /** Every way the database differs from what the initial migration creates, as `authdb check` words them. */
  differences: Difference[];
  /** The ones no adoption step covers: the layout is unknown when there is any. */
  blocking: Difference[];
  /** One line per change the adoption migration makes here, for the dry run and the file's doc comment. */
  changes: string[];
  checks: RowCheck[];
  /** The layout the adoption migration converges (undefined when nothing differs or something blocks). */
  layout?: Layout;
}

/** What the database's tables are to become, and what a built-in migration (not the adoption) adds later. */
export interface AnalysisInput {
  dialect: LayoutDialect;
  /** The tables as the live database holds them (only the config's Auth.js tables). */
  live: DatabaseSchema;
  /** The schema the initial migration creates (built-in level 1), and its expected shape per dialect. */
  initial: Schema;
  expected: Record<LayoutDialect, DatabaseSchema>;
  differences: Difference[];
  /** Index names the built-in migrations after the initial one own: neither drift nor adoption's business. */
  builtinIndexes: Set<string>;
}

const list = (columns: string[]) => `(${columns.join(", ")})`;

/** Types whose values all fit the wanted type: the only type changes adoption makes unasked. */
export function widens(from: string, to: string): boolean {
  if (from === to) return true;
  const varchar = (type: string) => /^varchar\((\d+)\)$/.exec(type);
  const fromLength = varchar(from);
  if (fromLength && to === "text") return true;
  const toLength = varchar(to);
  if (fromLength && toLength) return Number(toLength[1]) >= Number(fromLength[1]);
  // MySQL spells INTEGER `int`; sync() makes MEDIUMINT nowhere, but a hand-made table may have it.
  const integers: Record<string, number> = { smallint: 2, mediumint: 3, int: 4, integer: 4, bigint: 8 };
  if (from in integers && to in integers) return integers[to]! >= integers[from]!;
  // MySQL's DATETIME keeps whole seconds (what sync() creates); DATETIME(3) keeps those and milliseconds.
  const datetime = (type: string) => /^datetime(?:\((\d)\))?$/.exec(type);
  const fromDigits = datetime(from);
  const toDigits = datetime(to);
  return Boolean(fromDigits && toDigits && Number(toDigits[1] ?? 0) >= Number(fromDigits[1] ?? 0));
}

/** Sequelize's `timestamps: true` columns: the adapter's INSERTs leave them out, so they need a database default. */
function timestampColumns(table: TableSpec): Set<string> {
  return new Set(table.columns.filter((c) => c.custom && c.type === "DATE" && (c.attribute === "createdAt" || c.attribute === "updatedAt")).map((c) => c.column));
}

interface TableContext {
  spec: TableSpec;
  live?: TableShape;
  expected: TableShape;
  renames: Record<string, string>;
}

/** Pairs a missing column with an extra one that is its camelCase spelling (a model without `underscored`). */
function findRenames(context: TableContext, differences: Difference[]): void {
  const missing = differences.filter((d) => d.kind === "missing-column" && d.table === context.spec.table).map((d) => d.column!);
  const extra = differences.filter((d) => d.kind === "extra-column" && d.table === context.spec.table).map((d) => d.column!);
  for (const column of missing) {
    const source = extra.find((name) => name !== column && toColumnName(name) === column);
    if (source) context.renames[source] = column;
  }
}

/**
 * Sorts each difference into a step of the adoption migration or a blocker. The steps are the ones that
 * turn what `@auth/sequelize-adapter`'s sync() creates into what authdb's initial migration creates, and
 * none of them can lose a row: widening a type, making a column NOT NULL (after looking for NULLs), adding
 * a unique key (after looking for duplicates), an index, a foreign key (after looking for orphans), renaming
 * an index or a camelCase column, a primary key that grows by a column, the missing authenticators table.
 */
export function analyzeLayout(input: AnalysisInput): LayoutAnalysis {
  const { dialect, live, initial, expected, differences, builtinIndexes } = input;
  const blocking: Difference[] = [];
  const changes: string[] = [];
  const checks: RowCheck[] = [];
  const contexts = new Map<string, TableContext>();
  for (const spec of tablesInOrder(initial)) {
    const context: TableContext = { spec, live: live.tables[spec.table], expected: expected[dialect].tables[spec.table]!, renames: {} };
    findRenames(context, differences);
    contexts.set(spec.table, context);
  }
  const rebuilt = new Set<string>();
  const liveName = (context: TableContext, column: string) => Object.keys(context.renames).find((from) => context.renames[from] === column) ?? column;

  for (const difference of differences) {
    const context = contexts.get(difference.table)!;
    const where = difference.column ? `${difference.table}.${difference.column}` : difference.table;
    const block = () => blocking.push(difference);
    switch (difference.kind) {
      case "missing-table":
        if (context.spec.model === "Authenticator") changes.push(`create table ${difference.table}, as the initial migration does`);
        else block();
        break;
      case "missing-column": {
        const source = liveName(context, difference.column!);
        if (source === difference.column) {
          block();
          break;
        }
        const have = context.live!.columns.find((c) => c.name === source)!;
        const want = context.expected.columns.find((c) => c.name === difference.column)!;
        if (!widens(have.type, want.type)) {
          blocking.push({ ...difference, message: `${difference.table}.${source} (authdb's ${difference.column}): type is ${have.type}, expected ${want.type}` });
          break;
        }
        changes.push(`${difference.table}: rename column ${source} → ${difference.column}${have.type === want.type ? "" : ` (${have.type} → ${want.type})`}`);
        if (have.nullable && !want.nullable) {
          changes.push(`${difference.table}.${difference.column}: nullable → NOT NULL`);
          checks.push({ kind: "not-null", table: difference.table, column: source });
        }
        rebuilt.add(difference.table);
        break;
      }
      case "extra-column":
        if (!context.renames[difference.column!]) block();
        break;
      case "type":
        if (widens(difference.actual!, difference.expected!)) changes.push(`${where}: ${difference.actual} → ${difference.expected}`);
        else block();
        rebuilt.add(difference.table);
        break;
      case "nullability":
        changes.push(`${where}: ${difference.actual} → ${difference.expected}`);
        if (difference.expected === "NOT NULL") checks.push({ kind: "not-null", table: difference.table, column: difference.column! });
        rebuilt.add(difference.table);
        break;
      case "primary-key": {
        const have = context.live!.primaryKey;
        const want = context.expected.primaryKey;
        if (have.length && have.every((c) => want.includes(c))) {
          changes.push(`${where}: primary key ${difference.actual} → ${difference.expected}`);
          rebuilt.add(difference.table);
        } else block();
        break;
      }
      case "missing-unique":
      case "missing-index": {
        const key = [...context.expected.uniques, ...context.expected.indexes].find((k) => difference.expected === `${k.name} ${list(k.columns)}`)!;
        const unique = difference.kind === "missing-unique";
        changes.push(`${difference.table}: add ${unique ? "unique key" : "index"} ${key.name} ${list(key.columns)}`);
        if (unique) checks.push({ kind: "unique", table: difference.table, columns: key.columns.map((c) => liveName(context, c)), key: key.name });
        break;
      }
      case "index-name":
        if (dialect === "sqlite" && difference.actual!.startsWith("sqlite_autoindex_")) {
          changes.push(`${difference.table}: inline UNIQUE constraint ${difference.actual} → unique index ${difference.expected}`);
          rebuilt.add(difference.table);
        } else {
          // MySQL names an index after its first column (sync()'s `email`, `user_id`): say which it is.
          const unique = context.expected.uniques.some((k) => k.name === difference.expected);
          changes.push(`${difference.table}: rename ${unique ? "unique key" : "index"} ${difference.actual} → ${difference.expected}`);
        }
        break;
      case "extra-index":
      case "extra-unique": {
        const name = difference.actual!.split(" ")[0]!;
        if (!builtinIndexes.has(name)) block();
        break;
      }
      case "missing-foreign-key": {
        const key = context.expected.foreignKeys.find((k) => k.columns.join(",") === (difference.column ?? ""))!;
        changes.push(`${where}: add foreign key ${difference.expected}`);
        checks.push({ kind: "references", table: difference.table, key: { ...key, columns: key.columns.map((c) => liveName(context, c)) } });
        rebuilt.add(difference.table);
        break;
      }
      default:
        block();
    }
  }

  const tables = tablesInOrder(initial).map((spec) => spec.table);
  const defaultNow = new Map(tablesInOrder(initial).map((spec) => [spec.table, timestampColumns(spec)]));
  for (const [table, columns] of defaultNow) {
    for (const column of columns) {
      changes.push(`${table}.${column}: database default CURRENT_TIMESTAMP (authdb's adapter leaves the column out of its INSERTs)`);
    }
  }
  // Grouped by table in creation order (the diff lists them so too; the timestamp defaults come last otherwise).
  const position = (change: string) => {
    const index = tables.findIndex((t) => change.startsWith(`${t}.`) || change.startsWith(`${t}:`) || change === `create table ${t}, as the initial migration does`);
    return index < 0 ? tables.length : index;
  };
  changes.sort((a, b) => position(a) - position(b));
  if (dialect === "sqlite" && rebuilt.size) {
    const names = tables.filter((t) => rebuilt.has(t) && live.tables[t]);
    changes.push(`SQLite cannot alter a column or key in place: ${names.join(", ")} ${names.length === 1 ? "is" : "are"} rebuilt (a new table, every row copied, swapped in)`);
  }
  const needed = differences.some((d) => !((d.kind === "extra-index" || d.kind === "extra-unique") && builtinIndexes.has(d.actual!.split(" ")[0]!)));
  if (blocking.length || !needed) return { differences, blocking, changes: [], checks: [] };

  const layout: Layout = {
    dialect,
    order: tables,
    after: {
      tables: Object.fromEntries(
        tables.map((table) => [table, afterTable({ postgres: expected.postgres.tables[table]!, sqlite: expected.sqlite.tables[table]!, mysql: expected.mysql.tables[table]! }, defaultNow.get(table)!)]),
      ),
    },
    before: {
      tables: Object.fromEntries(
        tables.flatMap((table) => {
          const shape = live.tables[table];
          if (!shape) return [];
          const renames = contexts.get(table)!.renames;
          const managed = new Set([...defaultNow.get(table)!].map((column) => Object.keys(renames).find((from) => renames[from] === column) ?? column));
          return [[table, beforeTable(shape, dialect, managed, builtinIndexes)]];
        }),
      ),
    },
    renames: Object.fromEntries([...contexts].filter(([, c]) => Object.keys(c.renames).length).map(([table, c]) => [table, c.renames])),
  };
  return { differences, blocking, changes, checks, layout };
}

export type { KeyShape };
