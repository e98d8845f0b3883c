import type { Dialect } from "./databaseUrl";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * A Date as a bind parameter. PostgreSQL and MySQL drivers take Date objects; the sqlite3 driver would
 * store a number, so SQLite gets the text Sequelize itself writes (`2026-11-23 09:30:15.123 +00:00`),
 * which keeps rows written by Sequelize models and by raw SQL comparable, and keeps milliseconds.
 * Years are written with four digits (years 1–9999), the range `fromDatabaseDate` reads back.
 */
export function toDatabaseDate(dialect: Dialect, date: Date): Date | string {
  if (dialect === "postgres") return date;
  const text =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
  // MySQL and MariaDB: the UTC wall time, with no offset (a DATETIME literal takes none). A Date would be
  // converted by the app's Sequelize `timezone` option, and mysql2 ignores a named zone ("America/New_York")
  // while Sequelize does not, so rows would be hours off; text is stored as it is, whatever the zones.
  return dialect === "sqlite" ? `${text} +00:00` : text;
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
  return value instanceof Date ? `${pad(value.getFullYear(), 4)}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}` : String(value);
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Parses `YYYY-MM-DD` (UTC midnight) or an ISO 8601 date-time with a time zone (`Z` or `±HH:MM`) and at
 * most millisecond precision. Returns null for anything else, including impossible calendar values
 * (`2023-02-30`, `24:00`) that `new Date()` would silently roll over.
 */
export function parseIsoDateTime(text: string): Date | null {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone = "Z"] = match;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const date = new Date(0);
  date.setUTCFullYear(fields[0], fields[1], fields[2]);
  date.setUTCHours(fields[3], fields[4], fields[5], Number(fraction.padEnd(3, "0")));
  const rolledOver =
    date.getUTCFullYear() !== fields[0] || date.getUTCMonth() !== fields[1] || date.getUTCDate() !== fields[2] ||
    date.getUTCHours() !== fields[3] || date.getUTCMinutes() !== fields[4] || date.getUTCSeconds() !== fields[5];
  if (rolledOver) return null;
  if (zone !== "Z") {
    const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(offset[2]) > 23 || Number(offset[3]) > 59) return null;
    const minutes = (Number(offset[2]) * 60 + Number(offset[3])) * (offset[1] === "-" ? -1 : 1);
    date.setTime(date.getTime() - minutes * 60_000);
  }
  return date;
}
