/** The column types a schema can hold; each maps 1:1 to a Sequelize DataType. */
export const COLUMN_TYPES = [
  "STRING",
  "TEXT",
  "INTEGER",
  "BIGINT",
  "BOOLEAN",
  "DATE",
  "DATEONLY",
  "UUID",
  "JSON",
  "FLOAT",
  "DECIMAL",
] as const;

export type ColumnType = (typeof COLUMN_TYPES)[number];

/** The Auth.js models, in creation order (a table comes after the tables it references). */
export const MODEL_NAMES = ["User", "Account", "Session", "VerificationToken", "Authenticator"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export type DefaultValue = string | number | boolean | null;

export interface ColumnSpec {
  /** The name Auth.js (or the user's config) uses: `providerAccountId`, `phoneNumber`. */
  attribute: string;
  /** The database column: `provider_account_id`, `phone_number`. */
  column: string;
  type: ColumnType;
  /** STRING length, or fractional-second digits for DATE (DATETIME(3) on MySQL). */
  length?: number;
  /** DECIMAL precision and scale. */
  precision?: number;
  scale?: number;
  allowNull: boolean;
  primaryKey?: boolean;
  defaultValue?: DefaultValue;
  references?: { table: string; column: string; onDelete: "CASCADE" };
  /** True for columns that come from config `extend`. */
  custom?: boolean;
}

export interface IndexSpec {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface TableSpec {
  model: ModelName;
  table: string;
  /**
   * Text compares byte-exactly, as on PostgreSQL and SQLite: on MySQL and MariaDB every text column and the
   * table's default take a NO PAD binary utf8mb4 collation (built-in level 3; absent before it).
   */
  exactText?: boolean;
  columns: ColumnSpec[];
  indexes: IndexSpec[];
}

/** The fully resolved Auth.js table set: the single source every other module reads names from. */
export interface Schema {
  tables: Record<ModelName, TableSpec>;
}
