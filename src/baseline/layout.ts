import { isMysqlFamily, type Dialect } from "../database";
import type { DatabaseSchema, ForeignKeyShape, KeyShape, ReferentialAction, TableShape } from "../introspect";

/**
 * The dialects an adoption migration converts; their catalog spellings of a type differ. MySQL and MariaDB
 * are one ("mysql"): the same information_schema, the same spellings (expectedSchema).
 */
export type LayoutDialect = "postgres" | "sqlite" | "mysql";

export const LAYOUT_DIALECTS: readonly LayoutDialect[] = ["postgres", "sqlite", "mysql"];

/** The layout dialect of a Sequelize dialect: MariaDB is MySQL's. */
export function layoutDialectOf(dialect: Dialect): LayoutDialect {
  return isMysqlFamily(dialect) ? "mysql" : (dialect as LayoutDialect);
}

/**
 * A table as the adoption migration's runtime compares it with the live catalog (convergeRuntime.ts): the
 * normalized spellings of `authdb check`, plus what only adoption manages.
 */
export interface LayoutColumn {
  name: string;
  /** Per dialect; `after` has both (a teammate's database may be the other one), `before` the adopted one's. */
  type: Partial<Record<LayoutDialect, string>>;
  nullable: boolean;
  /** true: the column gets DEFAULT CURRENT_TIMESTAMP; false: a CURRENT_TIMESTAMP default is dropped; absent: left alone. */
  defaultNow?: boolean;
}

export interface LayoutForeignKey {
  columns: string[];
  table: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface LayoutTable {
  columns: LayoutColumn[];
  primaryKey: string[];
  /** SQLite's inline UNIQUE constraints keep their `sqlite_autoindex_…` names: the runtime writes them inline again. */
  uniques: KeyShape[];
  indexes: KeyShape[];
  foreignKeys: LayoutForeignKey[];
}

export interface Layout {
  /** The dialect of the adopted database: down() restores `before` only there. */
  dialect: LayoutDialect;
  /** Creation order; down walks it backwards. */
  order: string[];
  /** authdb's layout: what the initial migration creates for the config. */
  after: { tables: Record<string, LayoutTable> };
  /** The adopted database's layout as baseline found it. */
  before: { tables: Record<string, LayoutTable> };
  /** Per table, old column name → authdb's (`emailVerified` → `email_verified`). */
  renames: Record<string, Record<string, string>>;
}

/** Every foreign key authdb's migrations create says ON UPDATE CASCADE (renderColumnOptions). */
const AUTHDB_ON_UPDATE: ReferentialAction = "CASCADE";

function foreignKey(key: ForeignKeyShape): LayoutForeignKey {
  return { columns: key.columns, table: key.table, referencedColumns: key.referencedColumns, onDelete: key.onDelete, onUpdate: key.onUpdate ?? AUTHDB_ON_UPDATE };
}

const keys = (list: KeyShape[]) => list.map((key) => ({ name: key.name, columns: key.columns }));

/**
 * authdb's layout of one table, from the expected shapes of every dialect (same names, own type spellings):
 * the file is shared, and a teammate's database may be of any of them.
 */
export function afterTable(expected: Record<LayoutDialect, TableShape>, defaultNow: Set<string>): LayoutTable {
  const { postgres } = expected;
  return {
    columns: postgres.columns.map((column, i) => ({
      name: column.name,
      type: Object.fromEntries(LAYOUT_DIALECTS.map((dialect) => [dialect, expected[dialect].columns[i]!.type])),
      nullable: column.nullable,
      ...(defaultNow.has(column.name) ? { defaultNow: true } : {}),
    })),
    primaryKey: postgres.primaryKey,
    uniques: keys(postgres.uniques),
    indexes: keys(postgres.indexes),
    foreignKeys: postgres.foreignKeys.map(foreignKey),
  };
}

/** The adopted table as it is, less the keys a built-in migration owns (`skip`, by name). */
export function beforeTable(live: TableShape, dialect: LayoutDialect, managedNow: Set<string>, skip: Set<string>): LayoutTable {
  return {
    columns: live.columns.map((column) => ({
      name: column.name,
      type: { [dialect]: column.type },
      nullable: column.nullable,
      // Down drops the CURRENT_TIMESTAMP default that up added, never one the table already had.
      ...(managedNow.has(column.name) && !/current_timestamp|now\(\)/i.test(column.default ?? "") ? { defaultNow: false } : {}),
    })),
    primaryKey: live.primaryKey,
    uniques: keys(live.uniques.filter((key) => !skip.has(key.name))),
    indexes: keys(live.indexes.filter((key) => !skip.has(key.name))),
    foreignKeys: live.foreignKeys.map(foreignKey),
  };
}

export type { DatabaseSchema };
