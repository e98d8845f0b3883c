import type { ColumnType } from "./types";
import { describeValue } from "./describeValue";

/**
 * Portable limits: one migration file serves every database, so a size must fit all of them.
 * STRING: a MySQL VARCHAR column holds 65,535 bytes, 16,383 characters in utf8mb4 (PostgreSQL allows
 * 10,485,760); longer text belongs in TEXT. That is one column alone: the row limit counts every column of the
 * table, the built-in ones too, so less fits beside them (15,831 on users), and a unique STRING takes 768
 * (mysqlLimits.ts checks both per table). DATE: fractional-second digits, 0 to 6 everywhere.
 * DECIMAL: MySQL allows precision 1 to 65 and scale 0 to 30 (PostgreSQL 1,000), scale at most precision.
 */
export const SIZE_LIMITS = {
  stringLength: { min: 1, max: 16383, default: 255 },
  dateFractionDigits: { min: 0, max: 6, default: 3 },
  decimalPrecision: { min: 1, max: 65 },
  decimalScale: { min: 0, max: 30 },
} as const;

export type SizeField = "length" | "precision" | "scale";
export type ColumnSize = Partial<Record<SizeField, number>>;

/** A size that cannot be used; `field` is the option at fault (`length`), so the caller can name its path. */
export class ColumnSizeError extends Error {
  constructor(
    readonly field: SizeField,
    message: string,
  ) {
    super(message);
  }
}

function integerIn(field: SizeField, value: unknown, min: number, max: number, what: string, origin: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ColumnSizeError(field, `must be an integer from ${min} to ${max} (${what})${origin}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Checks the sizes given for `type` (values of unknown type: they may come from a Sequelize DataTypes value)
 * and returns them with the defaults filled in. `origin` tells the user where a value came from.
 */
export function resolveColumnSize(type: ColumnType, size: Partial<Record<SizeField, unknown>>, origin = ""): ColumnSize {
  const given = (Object.keys(size) as SizeField[]).filter((field) => size[field] !== undefined);
  const allowed: SizeField[] = type === "STRING" || type === "DATE" ? ["length"] : type === "DECIMAL" ? ["precision", "scale"] : [];
  const extra = given.find((field) => !allowed.includes(field));
  if (extra) {
    const takes = allowed.length ? `only ${allowed.join(" and ")}` : "no size";
    throw new ColumnSizeError(extra, `is not an option of ${type} columns${origin} (they take ${takes}); remove it`);
  }
  if (type === "STRING") {
    const { min, max } = SIZE_LIMITS.stringLength;
    const length = size.length === undefined ? SIZE_LIMITS.stringLength.default : integerIn("length", size.length, min, max, "characters; use TEXT for longer values", origin);
    return { length };
  }
  if (type === "DATE") {
    const { min, max } = SIZE_LIMITS.dateFractionDigits;
    const length = size.length === undefined ? SIZE_LIMITS.dateFractionDigits.default : integerIn("length", size.length, min, max, "fractional-second digits", origin);
    return { length };
  }
  if (type !== "DECIMAL") return {};
  const out: ColumnSize = {};
  if (size.precision !== undefined) {
    const { min, max } = SIZE_LIMITS.decimalPrecision;
    out.precision = integerIn("precision", size.precision, min, max, "total digits", origin);
  }
  if (size.scale !== undefined) {
    if (out.precision === undefined) throw new ColumnSizeError("scale", `needs precision as well${origin}; write { precision: 10, scale: 2 }`);
    const max = Math.min(SIZE_LIMITS.decimalScale.max, out.precision);
    out.scale = integerIn("scale", size.scale, SIZE_LIMITS.decimalScale.min, max, "digits after the point, at most precision", origin);
  }
  return out;
}
