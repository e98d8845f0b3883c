import type { Dialect } from "./databaseUrl";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * A Date as a bind parameter. PostgreSQL and MySQL drivers take Date objects; the sqlite3 driver would
 * store a number, so SQLite gets the text Sequelize itself writes (`2026-11-23 09:30:15.123 +00:00`),
 * which keeps rows written by Sequelize models and by raw SQL comparable, and keeps milliseconds.
 */
export function toDatabaseDate(dialect: Dialect, date: Date): Date | string {
  if (dialect !== "sqlite") return date;
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)} +00:00`
  );
}

/** Reads a date column back as a Date on every dialect; null stays null. */
export function fromDatabaseDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === "number") return new Date(value);
  // `2026-11-23 09:30:15.123 +00:00` → `2026-11-23T09:30:15.123+00:00`; ISO strings pass unchanged.
  const text = String(value).trim().replace(/^(\d{4}-\d{2}-\d{2}) /, "$1T").replace(/ ?([+-]\d{2}:?\d{2}|Z)$/, "$1");
  const date = new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) || !text.includes("T") ? text : `${text}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A DATEONLY value as `YYYY-MM-DD` (a Date by its local calendar day, as Sequelize writes it); text passes unchanged. */
export function toDateOnly(value: unknown): string {
  return value instanceof Date ? `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}` : String(value);
}
