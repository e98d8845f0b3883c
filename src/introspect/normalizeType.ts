import type { ReferentialAction } from "./types";

/** Lower case, single spaces, no spaces inside parentheses: `DECIMAL(10, 2)` → `decimal(10,2)`. */
function tidy(type: string): string {
  return type
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/\s*\(\s*/g, "(")
    .replace(/\s*,\s*/g, ",")
    .replace(/\s*\)/g, ")");
}

/**
 * PostgreSQL's `format_type()` spelling → the short form people write:
 * `character varying(255)` → `varchar(255)`, `timestamp(3) with time zone` → `timestamptz(3)`.
 */
export function normalizePostgresType(formatted: string): string {
  const type = tidy(formatted);
  const timestamp = /^(timestamp|time)(\(\d+\))? (with|without) time zone$/.exec(type);
  if (timestamp) return `${timestamp[1]}${timestamp[3] === "with" ? "tz" : ""}${timestamp[2] ?? ""}`;
  return type
    .replace(/^character varying/, "varchar")
    .replace(/^character\b/, "char")
    .replace(/^double precision$/, "double");
}

/** SQLite keeps the declared type text as written; only its spelling is normalized. */
export function normalizeSqliteType(declared: string): string {
  return tidy(declared);
}

/**
 * information_schema.COLUMNS.COLUMN_TYPE → one spelling for MySQL and MariaDB. MariaDB (and MySQL before
 * 8.0.19) add display widths to integers, `int(11)`, `bigint(20)`, which change nothing stored; MySQL 8
 * drops them. Both keep `tinyint(1)`, which is how BOOLEAN is spelled, so that one stays.
 */
export function normalizeMysqlType(columnType: string): string {
  const type = tidy(columnType);
  if (/^tinyint\(1\)/.test(type)) return type;
  return type.replace(/^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/, (_, name: string) => (name === "integer" ? "int" : name));
}

/**
 * COLUMN_DEFAULT plus EXTRA (`auto_increment`, `on update current_timestamp()`), as verify compares it.
 * MariaDB spells "DEFAULT NULL" as the text `NULL` (a string default is quoted, `'NULL'`); MySQL as SQL
 * NULL: both are "no default".
 */
export function normalizeMysqlDefault(columnDefault: string | null, extra: string | null): string | null {
  const value = columnDefault === "NULL" ? null : columnDefault;
  const behaviour = extra?.trim().toLowerCase() || null;
  if (!behaviour) return value;
  return value === null ? behaviour : `${value} ${behaviour}`;
}

const POSTGRES_ACTIONS: Record<string, ReferentialAction> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

/** pg_constraint's one-letter codes (confdeltype) or SQL words (SQLite pragmas, information_schema) → one spelling. */
export function normalizeAction(action: string | null | undefined): ReferentialAction {
  if (!action) return "NO ACTION";
  if (action.length === 1 && POSTGRES_ACTIONS[action]) return POSTGRES_ACTIONS[action];
  return action.trim().toUpperCase().replace(/\s+/g, " ") as ReferentialAction;
}
