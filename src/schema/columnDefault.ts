import type { ColumnSize } from "./columnSize";
import { describeValue } from "./describeValue";
import type { ColumnType, DefaultValue } from "./types";

const INT32 = { min: -2147483648, max: 2147483647 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL_TEXT = /^-?(\d+)(?:\.(\d+))?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
// A zone is required: a timestamp without one means a different instant on each server.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

function isCalendarDate(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

function decimalProblem(value: string | number, size: ColumnSize): string | null {
  const match = DECIMAL_TEXT.exec(typeof value === "number" ? String(value) : value);
  if (!match) return `must be a number or a decimal string such as "12.50" (no exponent)`;
  if (size.precision === undefined) return null;
  const scale = size.scale ?? 0;
  const integerDigits = match[1].replace(/^0+(?=\d)/, "").length;
  const fractionDigits = (match[2] ?? "").replace(/0+$/, "").length;
  if (integerDigits > size.precision - scale || fractionDigits > scale) {
    return `does not fit DECIMAL(${size.precision}, ${scale}): at most ${size.precision - scale} digits before the point and ${scale} after`;
  }
  return null;
}

/** Why `value` cannot be the default of a `type` column, or null when it can. Messages follow the field name. */
function typeProblem(type: ColumnType, size: ColumnSize, value: Exclude<DefaultValue, null>): string | null {
  const want = (what: string) => `must be ${what} for ${type} columns`;
  switch (type) {
    case "STRING":
    case "TEXT": {
      if (typeof value !== "string") return want("a string");
      // PostgreSQL text cannot hold U+0000; no dialect would store the same value.
      if (value.includes("\u0000")) return "contains the character U+0000, which PostgreSQL cannot store; remove it";
      const length = Array.from(value).length;
      if (size.length !== undefined && length > size.length) return `is ${length} characters long, more than the column's length ${size.length}`;
      return null;
    }
    case "INTEGER":
      return Number.isInteger(value) && (value as number) >= INT32.min && (value as number) <= INT32.max
        ? null
        : want(`an integer from ${INT32.min} to ${INT32.max}`);
    case "BIGINT":
      return Number.isSafeInteger(value) ? null : want(`an integer from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}`);
    case "BOOLEAN":
      return typeof value === "boolean" ? null : want("true or false");
    case "FLOAT":
      return typeof value === "number" && Number.isFinite(value) ? null : want("a finite number");
    case "DECIMAL":
      return typeof value === "boolean" ? want("a number or a decimal string") : decimalProblem(value, size);
    case "DATE": {
      const match = typeof value === "string" ? TIMESTAMP.exec(value) : null;
      if (!match || !isCalendarDate(match[1], match[2], match[3])) return want(`an ISO 8601 timestamp with a zone, such as "2026-01-31T12:00:00Z"`);
      return null;
    }
    case "DATEONLY": {
      const match = typeof value === "string" ? DATE_ONLY.exec(value) : null;
      if (!match || !isCalendarDate(match[1], match[2], match[3])) return want(`a date "YYYY-MM-DD", such as "2026-01-31"`);
      return null;
    }
    case "UUID":
      return typeof value === "string" && UUID.test(value) ? null : want(`a UUID string such as "6f1c2e3a-1b2c-4d5e-8f90-123456789abc"`);
    case "JSON":
      // MySQL refuses a literal default on a JSON column, and one migration file serves every dialect.
      return "is not supported on a JSON column (MySQL refuses a literal JSON default); set the value in your application";
  }
}

/**
 * Why `value` cannot be the default of the column, or null when it can: the value must be one a database of
 * every dialect stores as the same value of the column's type. Messages read after the field name.
 */
export function defaultValueProblem(column: { type: ColumnType; allowNull: boolean } & ColumnSize, value: unknown): string | null {
  if (value === null) return column.allowNull ? null : "is null but allowNull is false; remove defaultValue or allow null";
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    return `must be a string, number, boolean or null, got ${describeValue(value)}`;
  }
  const problem = typeProblem(column.type, column, value);
  return problem && `${problem}, got ${describeValue(value)}`;
}
