import { isMysqlFamily, type Dialect } from "../database";
import { InvalidInputError } from "../errors";
import { tablesInOrder, type ColumnSpec, type ColumnType, type Schema, type TableSpec } from "../schema";
import type { DatabaseSchema, TableShape } from "./types";
import { EXACT } from "./exactCollation";

/**
 * The type each dialect's catalog reports for a column the rendered migration creates, in the
 * normalized spelling of normalizeType.ts. Derived from what Sequelize's createTable emits
 * (`authdb migrate --dry-run`) and pinned by test/introspect, which migrates every type and
 * expects no difference.
 */
type TypeSpelling = Record<ColumnType, (column: ColumnSpec) => string>;

/** Spelled alike by every catalog authdb reads. */
const COMMON = {
  STRING: (column: ColumnSpec) => `varchar(${column.length ?? 255})`,
  TEXT: () => "text",
  INTEGER: () => "integer",
  BIGINT: () => "bigint",
  DATEONLY: () => "date",
  UUID: () => "uuid",
  JSON: () => "json",
};

/**
 * MySQL 8 and MariaDB 10.11 alike, as information_schema reports them after authdb's migrations and
 * normalizeMysqlType / mysql.ts spell them (measured on MariaDB; MySQL 8 from its manual).
 */
const MYSQL: TypeSpelling = {
  STRING: (column) => `varchar(${column.length ?? 255})`,
  TEXT: () => "text",
  INTEGER: () => "int",
  BIGINT: () => "bigint",
  BOOLEAN: () => "tinyint(1)",
  // Sequelize writes DATETIME(n), and a bare DATETIME for 0 digits.
  DATE: (column) => (column.length ? `datetime(${column.length})` : "datetime"),
  DATEONLY: () => "date",
  // CHAR(36) BINARY: the collation (utf8mb4_bin) is read, not compared.
  UUID: () => "char(36)",
  // MySQL's native JSON; MariaDB's longtext CHECK (json_valid(…)) is read back as json too (mysql.ts).
  JSON: () => "json",
  // Single precision, unlike PostgreSQL's and SQLite's double.
  FLOAT: () => "float",
  // DECIMAL with no precision is DECIMAL(10,0).
  DECIMAL: (column) => `decimal(${column.precision ?? 10},${column.scale ?? 0})`,
};

const TYPE_NAMES: Record<Dialect, TypeSpelling> = {
  postgres: {
    ...COMMON,
    BOOLEAN: () => "boolean",
    // Sequelize writes TIMESTAMP WITH TIME ZONE and drops the precision: PostgreSQL keeps microseconds.
    DATE: () => "timestamptz",
    // FLOAT without precision is a double precision column on PostgreSQL.
    FLOAT: () => "double",
    DECIMAL: (column) => decimal("numeric", column, true),
  },
  sqlite: {
    ...COMMON,
    BOOLEAN: () => "tinyint(1)",
    // SQLite has no fractional-second setting: DATE(3) is declared DATETIME.
    DATE: () => "datetime",
    FLOAT: () => "float",
    DECIMAL: (column) => decimal("decimal", column, false),
  },
  mysql: MYSQL,
  mariadb: MYSQL,
};

/** PostgreSQL reports DECIMAL(10) as numeric(10,0); SQLite keeps what was declared. */
function decimal(name: string, column: ColumnSpec, scaleAlways: boolean): string {
  if (column.precision === undefined) return name;
  if (column.scale !== undefined) return `${name}(${column.precision},${column.scale})`;
  return scaleAlways ? `${name}(${column.precision},0)` : `${name}(${column.precision})`;
}

function expectedTable(table: TableSpec, typeOf: (column: ColumnSpec) => string, mysql: boolean): TableShape {
  // UUID columns are left out: a foreign key holds them at the binary collation they were created with.
  const exact = (column: ColumnSpec) => mysql && table.exactText && (column.type === "STRING" || column.type === "TEXT");
  return {
    name: table.table,
    columns: table.columns.map((column) => ({
      name: column.column,
      type: typeOf(column),
      // A primary key column is NOT NULL whatever the spec says.
      nullable: column.allowNull && !column.primaryKey,
      ...(exact(column) ? { collation: EXACT } : {}),
    })),
    primaryKey: table.columns.filter((c) => c.primaryKey).map((c) => c.column).sort(),
    uniques: table.indexes.filter((i) => i.unique).map((i) => ({ name: i.name, columns: i.columns })),
    indexes: table.indexes.filter((i) => !i.unique).map((i) => ({ name: i.name, columns: i.columns })),
    foreignKeys: table.columns.flatMap((column) =>
      column.references
        ? [{ columns: [column.column], table: column.references.table, referencedColumns: [column.references.column], onDelete: column.references.onDelete }]
        : [],
    ),
  };
}

/** What `introspectDatabase` should read from a database the Schema's migrations created, on `dialect`. */
export function expectedSchema(schema: Schema, dialect: Dialect): DatabaseSchema {
  const spelling = TYPE_NAMES[dialect];
  if (!spelling) {
    throw new InvalidInputError(`comparing a ${dialect} database with the schema is not supported`, "Use a PostgreSQL, SQLite or MySQL/MariaDB database.");
  }
  const typeOf = (column: ColumnSpec) => spelling[column.type](column);
  const mysql = isMysqlFamily(dialect);
  return { tables: Object.fromEntries(tablesInOrder(schema).map((table) => [table.table, expectedTable(table, typeOf, mysql)])) };
}
