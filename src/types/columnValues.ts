import type { ColumnType } from "../schema";

/**
 * The TypeScript type of each column type, as the adapter hands values out (src/adapter/rowMapping.ts) and
 * takes them in (src/adapter/columnEncoders.ts). A type test breaks if one side changes without the other.
 */
export interface ColumnValueTypes {
  STRING: { read: string; write: string };
  TEXT: { read: string; write: string };
  UUID: { read: string; write: string };
  /** Read as a number; written from a number, a bigint or a string of digits, within the column's range. */
  INTEGER: { read: number; write: number | bigint | `${bigint}` };
  /** Read as a number (so the adapter only writes ±Number.MAX_SAFE_INTEGER), written like INTEGER. */
  BIGINT: { read: number; write: number | bigint | `${bigint}` };
  FLOAT: { read: number; write: number };
  /** Read as a decimal string ("12.50"), never a float that would round it. */
  DECIMAL: { read: string; write: string | number | bigint };
  BOOLEAN: { read: boolean; write: boolean };
  /** Written from a Date or an ISO 8601 string with a time zone. */
  DATE: { read: Date; write: Date | string };
  /** Read as "YYYY-MM-DD"; written from that or a Date (its local calendar day). */
  DATEONLY: { read: string; write: string | Date };
  /** Any plain JSON value; give it a type with `JsonColumn<T>`. */
  JSON: { read: unknown; write: unknown };
}

/** Read type of a column type name. */
export type ColumnReadType<T extends ColumnType> = ColumnValueTypes[T]["read"];
/** Write type of a column type name. */
export type ColumnWriteType<T extends ColumnType> = ColumnValueTypes[T]["write"];

declare const jsonShape: unique symbol;

/**
 * `"JSON"` carrying the TypeScript type of its values, for the adapter's types only (the config still holds
 * the string "JSON"): `preferences: { type: "JSON" as JsonColumn<{ theme: "dark" | "light" }> }`.
 */
export type JsonColumn<T> = "JSON" & { readonly [jsonShape]?: T };

/** The `T` of a JsonColumn<T>, or `Otherwise` for any other type name. */
export type JsonShapeOf<Name, Otherwise> = Name extends { readonly [jsonShape]?: infer T } ? (unknown extends T ? Otherwise : T) : Otherwise;
