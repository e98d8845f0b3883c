import type { Dialect } from "../database";
import { InvalidInputError } from "../errors";
import { tablesInOrder, type ColumnSpec, type Schema, type TableSpec } from "../schema";
import type { DatabaseSchema, TableShape } from "./types";

/**
 * The type each dialect's catalog reports for a column the rendered migration creates, in the
 * normalized spelling of normalizeType.ts. Derived from what Sequelize's createTable emits
 * (`authdb migrate --dry-run`) and pinned by test/introspect, which migrates every type and
 * expects no difference.
 */
const TYPE_NAMES: Record<"postgres" | "sqlite", (column: ColumnSpec) => string> = {
  postgres: (column) => {
    switch (column.type) {
      case "STRING":
        return `varchar(${column.length ?? 255})`;
      case "TEXT":
        return "text";
      case "INTEGER":
        return "integer";
      case "BIGINT":
        return "bigint";
      case "BOOLEAN":
        return "boolean";
      // Sequelize writes TIMESTAMP WITH TIME ZONE and drops the precision: PostgreSQL keeps microseconds.
      case "DATE":
        return "timestamptz";
      case "DATEONLY":
        return "date";
      case "UUID":
        return "uuid";
      case "JSON":
        return "json";
      // FLOAT without precision is a double precision column on PostgreSQL.
      case "FLOAT":
        return "double";
      case "DECIMAL":
        return decimal("numeric", column, true);
    }
  },
  sqlite: (column) => {
    switch (column.type) {
      case "STRING":
        return `varchar(${column.length ?? 255})`;
      case "TEXT":
        return "text";
      case "INTEGER":
        return "integer";
      case "BIGINT":
        return "bigint";
      case "BOOLEAN":
        return "tinyint(1)";
      // SQLite has no fractional-second setting: DATE(3) is declared DATETIME.
      case "DATE":
        return "datetime";
      case "DATEONLY":
        return "date";
      case "UUID":
        return "uuid";
      case "JSON":
        return "json";
      case "FLOAT":
        return "float";
      case "DECIMAL":
        return decimal("decimal", column, false);
    }
  },
};

/** PostgreSQL reports DECIMAL(10) as numeric(10,0); SQLite keeps what was declared. */
function decimal(name: string, column: ColumnSpec, scaleAlways: boolean): string {
  if (column.precision === undefined) return name;
  if (column.scale !== undefined) return `${name}(${column.precision},${column.scale})`;
  return scaleAlways ? `${name}(${column.precision},0)` : `${name}(${column.precision})`;
}

function expectedTable(table: TableSpec, typeOf: (column: ColumnSpec) => string): TableShape {
  return {
    name: table.table,
    columns: table.columns.map((column) => ({
      name: column.column,
      type: typeOf(column),
      // A primary key column is NOT NULL whatever the spec says.
      nullable: column.allowNull && !column.primaryKey,
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
  if (dialect !== "postgres" && dialect !== "sqlite") {
    throw new InvalidInputError(`comparing a ${dialect} database with the schema is not supported yet`, "Use a PostgreSQL or SQLite copy of the schema.");
  }
  const typeOf = TYPE_NAMES[dialect];
  return { tables: Object.fromEntries(tablesInOrder(schema).map((table) => [table.table, expectedTable(table, typeOf)])) };
}
