import { fromDatabaseDate, isMysqlFamily, toDateOnly, type Dialect } from "../database";
import { shortestFloat32 } from "./float32";
import type { ColumnSpec, TableSpec } from "../schema";
import { decimalFromDatabase } from "./decimalText";

export type Row = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in the canonical lower-case form PostgreSQL returns, or null for anything that is not one. */
export function normalizeUuid(value: unknown): string | null {
  return typeof value === "string" && UUID.test(value) ? value.toLowerCase() : null;
}

/** One database value → what Auth.js expects: Dates, numbers, booleans; NULL stays null. */
export function fromDatabaseValue(column: ColumnSpec, value: unknown, dialect: Dialect): unknown {
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case "DATE":
      return fromDatabaseDate(value);
    case "INTEGER":
    case "BIGINT":
      return Number(value);
    case "FLOAT":
      return isMysqlFamily(dialect) ? shortestFloat32(Number(value)) : Number(value);
    case "DECIMAL":
      return decimalFromDatabase(value, column.scale ?? (column.precision !== undefined ? 0 : undefined));
    case "BOOLEAN":
      return value === true || value === 1 || value === "1" || value === "true" || value === "t";
    case "JSON":
      // pg parses json columns; SQLite hands back the text, and MySQL and MariaDB are read as text
      // (sqlStatements: mysql2 parses some JSON columns itself, and a JSON string would then be parsed twice).
      return typeof value === "string" && dialect !== "postgres" ? JSON.parse(value) : value;
    case "DATEONLY":
      return toDateOnly(value);
    default:
      return value;
  }
}

/** A result row (columns aliased to `prefix + attribute`) → a plain object with the Auth.js field names. */
export function fromRow<T>(table: TableSpec, row: Row, dialect: Dialect, prefix = ""): T {
  const record: Row = {};
  for (const column of table.columns) record[column.attribute] = fromDatabaseValue(column, row[prefix + column.attribute], dialect);
  return record as T;
}
