/**
 * A dialect-neutral picture of tables as the database holds them. Both sides of a drift check use it:
 * `introspectDatabase` reads it from the catalogs, `expectedSchema` computes it from a Schema.
 */

export type ReferentialAction = "CASCADE" | "SET NULL" | "SET DEFAULT" | "RESTRICT" | "NO ACTION";

export interface ColumnShape {
  name: string;
  /** Normalized, lower case, with length: `varchar(255)`, `timestamptz`, `text`, `tinyint(1)`, `int` (no display width). */
  type: string;
  nullable: boolean;
  /**
   * The default as the catalog spells it (`'x'::character varying`, `0`), or null for none.
   * Undefined means "not compared": the Schema side leaves it out, because each dialect spells
   * defaults differently; snapshots of the same database (verify) compare it.
   */
  default?: string | null;
  /**
   * MySQL/MariaDB: the column's collation (`utf8mb4_bin`, `utf8mb4_general_ci`), for string columns.
   * The Schema side says "exact" for the text of an `exactText` table (a NO PAD binary collation, whatever
   * the server calls it); only that is compared, so databases created with other defaults still agree.
   */
  collation?: string;
}

/** A unique key or an index: unique constraints and unique indexes are the same thing to a query. */
export interface KeyShape {
  name: string;
  /** In index order. */
  columns: string[];
}

export interface ForeignKeyShape {
  /** Constraint name where the dialect has one (SQLite's are anonymous). */
  name?: string;
  columns: string[];
  table: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  /** Undefined on the Schema side (the Schema only states ON DELETE); read from the database. */
  onUpdate?: ReferentialAction;
}

export interface TableShape {
  name: string;
  columns: ColumnShape[];
  /** Sorted: dialects order composite key columns differently for the same createTable call. */
  primaryKey: string[];
  uniques: KeyShape[];
  /** Non-unique indexes; the index backing the primary key is not listed. */
  indexes: KeyShape[];
  foreignKeys: ForeignKeyShape[];
}

export interface DatabaseSchema {
  /** By table name. */
  tables: Record<string, TableShape>;
}

export type DifferenceKind =
  | "missing-table"
  | "extra-table"
  | "missing-column"
  | "extra-column"
  | "type"
  | "nullability"
  | "default"
  | "primary-key"
  | "missing-unique"
  | "extra-unique"
  | "missing-index"
  | "extra-index"
  | "index-name"
  | "missing-foreign-key"
  | "extra-foreign-key"
  | "foreign-key-target"
  | "foreign-key-action"
  | "collation";

export interface Difference {
  kind: DifferenceKind;
  table: string;
  column?: string;
  expected?: string;
  actual?: string;
  /** One readable line: `accounts.access_token: type is varchar(255), expected text`. */
  message: string;
}
