import { shortestFloat32, survivesFloat32 } from "./float32";
import { isMysqlFamily, parseIsoDateTime, toDatabaseDate, toDateOnly, type Dialect } from "../database";
import type { ColumnSpec, Schema, TableSpec } from "../schema";
import { describeValue } from "./describeValue";
import { ForeignKeyConstraintError, InvalidValueError } from "./errors";
import { normalizeUuid } from "./rowMapping";

/**
 * Auth.js values → bind parameters, with exact rules per column type (docs/adapter.md, "Values"): a value
 * is converted only when the conversion is exact, otherwise refused. A refused value is an error on a
 * write and "no row" on a lookup, so a stored value always is what was given and a lookup never matches a
 * coerced key (`{}` as "[object Object]", "a\0b" as `a\0b`). Rules are closures built once per column.
 */

/** Returned by `key()` for a lookup value no stored row can hold: the caller answers "not found" without a query. */
export const NO_MATCH: unique symbol = Symbol("authdb: no row can match");

export interface ColumnEncoder {
  /** The bind value for a write; throws InvalidValueError (ForeignKeyConstraintError for a malformed reference). */
  write(value: unknown): unknown;
  /** The bind value for a lookup key, or NO_MATCH. */
  key(value: unknown): unknown;
}

/** Why a rule refused a value, and what to do instead. */
class Refusal {
  constructor(
    readonly problem: string,
    readonly hint: string,
  ) {}
}

type Rule = (value: unknown) => unknown;

const refuse = (problem: string, hint: string) => new Refusal(problem, hint);

// NUL: PostgreSQL text cannot hold it (Sequelize would store the two characters `\0`) and SQLite functions stop at it.
// A lone surrogate has no UTF-8 form: both drivers would store U+FFFD instead.
const UNSTORABLE_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** The engine's own scans (memchr, isWellFormed) are ~50× faster than the regex on long tokens; the regex only locates the problem. */
const isStorableText = (text: string) => !text.includes("\0") && (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Characters as the databases count them (code points), not UTF-16 units. */
function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** MySQL's and MariaDB's TEXT holds 65,535 bytes of UTF-8; PostgreSQL's and SQLite's have no practical limit. */
const MYSQL_TEXT_BYTES = 65_535;

function textRule(maxLength: number | undefined, maxBytes?: number): Rule {
  return (value) => {
    if (typeof value !== "string") return refuse("must be a string", "Convert it yourself (e.g. String(value)) if text is what you mean to store");
    const bad = isStorableText(value) ? null : UNSTORABLE_TEXT.exec(value);
    if (bad) {
      return bad[0] === "\0"
        ? refuse(`contains the NUL character (U+0000) at index ${bad.index}`, "PostgreSQL cannot store NUL in text and SQLite cuts text at it; remove it")
        : refuse(`contains a lone UTF-16 surrogate at index ${bad.index}`, "It has no UTF-8 form (the database would store U+FFFD instead); fix the string's encoding");
    }
    // value.length counts UTF-16 units, never fewer than characters: count exactly only when it might be too long.
    if (maxLength !== undefined && value.length > maxLength) {
      const length = characterCount(value);
      if (length > maxLength) {
        return refuse(
          `is ${length} characters long; the column holds ${maxLength} (VARCHAR(${maxLength}))`,
          "Shorten the value, or widen the column with a migration (a custom column: give it a larger length or type TEXT)",
        );
      }
    }
    // A UTF-8 character takes at most 4 bytes: count bytes only when it might be too long.
    if (maxBytes !== undefined && value.length * 3 > maxBytes) {
      const bytes = Buffer.byteLength(value, "utf8");
      if (bytes > maxBytes) {
        return refuse(
          `is ${bytes} bytes of UTF-8; a TEXT column on MySQL and MariaDB holds ${maxBytes}`,
          "Shorten the value: authdb's TEXT columns hold 65,535 bytes on MySQL and MariaDB",
        );
      }
    }
    return value;
  };
}

const INTEGER_TEXT = /^-?\d+$/;

/** Integers as numbers, bigints or strings of digits, within [min, max]; bound as a number. */
function integerRule(min: number, max: number, range: string): Rule {
  return (value) => {
    let n: number;
    if (typeof value === "number") {
      if (!Number.isInteger(value)) return refuse("must be an integer", "Round it yourself (Math.round, Math.floor) if that is what you mean");
      n = value;
    } else if (typeof value === "bigint" || (typeof value === "string" && INTEGER_TEXT.test(value))) {
      // Beyond 2^53 Number() rounds, but monotonically: a value outside [min, max] never lands inside.
      n = Number(value);
    } else {
      return refuse("must be an integer (a number, a bigint or a string of digits)", "Convert it yourself if it is a number in another form");
    }
    if (n < min || n > max) return refuse(`is out of range ${range}`, "Store a value within the range, or use another column type (BIGINT, DECIMAL, TEXT)");
    return n === 0 ? 0 : n;
  };
}

const INTEGER_RANGE = "for INTEGER (-2147483648 to 2147483647)";
// BIGINT is read back as a JavaScript number, so the adapter only writes what it can read back exactly.
const BIGINT_RANGE = "for the adapter's BIGINT (±9007199254740991, Number.MAX_SAFE_INTEGER: BIGINT reads back as a JavaScript number)";

/** The largest finite single-precision value: MySQL refuses a FLOAT beyond it (or clips it, outside strict mode). */
const FLOAT32_MAX = 3.4028234663852886e38;

function floatRule(dialect: Dialect): Rule {
  const single = isMysqlFamily(dialect);
  return (value) => {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      return refuse("must be a finite number", "NaN and ±Infinity are stored differently by each database (SQLite: NULL); store null or a number");
    }
    if (single && Math.abs(value) > FLOAT32_MAX) {
      return refuse(`is beyond the range of a FLOAT on MySQL and MariaDB (single precision, ±${FLOAT32_MAX})`, "Use a DECIMAL column for values this large");
    }
    if (single && !survivesFloat32(value)) {
      return refuse(
        `has more digits than a FLOAT keeps on MySQL and MariaDB (single precision, about 7 significant digits: it would read back as ${shortestFloat32(value)})`,
        "Round it yourself, or use a DECIMAL column with the precision you need",
      );
    }
    return value;
  };
}

const DECIMAL_TEXT = /^-?(\d+)(?:\.(\d+))?$/;
// SQLite stores DECIMAL (NUMERIC affinity) as an 8-byte float, exact to 15 significant digits.
const SQLITE_DECIMAL_DIGITS = 15;

/** Decimal strings, finite numbers with a plain decimal form, and bigints; bound as text, never rounded by the database. */
function decimalRule(column: ColumnSpec, dialect: Dialect): Rule {
  // MySQL and MariaDB make a DECIMAL without precision DECIMAL(10, 0) and round what does not fit.
  const mysqlDefault = column.precision === undefined && isMysqlFamily(dialect);
  const precision = mysqlDefault ? 10 : column.precision;
  const scale = column.scale ?? (precision !== undefined ? 0 : undefined);
  const widen = mysqlDefault ? "On MySQL and MariaDB a DECIMAL without precision is DECIMAL(10, 0): give the column a precision and scale" : undefined;
  return (value) => {
    const plain = typeof value === "string" || typeof value === "bigint" || (typeof value === "number" && Number.isFinite(value));
    if (!plain) return refuse("must be a decimal number: a string such as \"12.50\", a finite number or a bigint", "Convert it yourself");
    const text = String(value);
    const match = DECIMAL_TEXT.exec(text);
    if (!match) return refuse("is not a plain decimal number (digits, an optional '-' and '.')", "Write it as a string of digits such as \"0.0000001\"");
    const integerDigits = match[1]!.replace(/^0+/, "").length;
    const fractionDigits = (match[2] ?? "").replace(/0+$/, "").length;
    if (scale !== undefined && fractionDigits > scale) {
      return refuse(`has ${fractionDigits} digits after the point; the column keeps ${scale}`, widen ?? "Round it yourself: the database would round it silently");
    }
    if (precision !== undefined && integerDigits > precision - scale!) {
      return refuse(`has ${integerDigits} digits before the point; DECIMAL(${precision}, ${scale}) allows ${precision - scale!}`, widen ?? "Store a smaller value or widen the column");
    }
    if (dialect === "sqlite" && integerDigits + fractionDigits > SQLITE_DECIMAL_DIGITS) {
      return refuse(`has ${integerDigits + fractionDigits} digits; SQLite keeps ${SQLITE_DECIMAL_DIGITS}`, "Store it as TEXT, or use PostgreSQL");
    }
    return text;
  };
}

const booleanRule: Rule = (value) =>
  typeof value === "boolean" ? value : refuse("must be true or false", "Convert it yourself (e.g. value === \"true\"): strings such as \"false\" are not booleans");

const uuidRule: Rule = (value) => normalizeUuid(value) ?? refuse("must be a UUID", "Pass a UUID string such as crypto.randomUUID() returns");


/** The years every dialect stores and reads back the same way (four digits). */
function yearProblem(year: number): Refusal | null {
  return year < 1 || year > 9999 ? refuse(`has the year ${year}`, "Dates must fall in the years 1 to 9999") : null;
}

function dateRule(column: ColumnSpec, dialect: Dialect): Rule {
  // DATE(n) keeps n fractional digits; below 3 the database would round the milliseconds.
  const step = 10 ** (3 - Math.min(3, column.length ?? 3));
  return (value) => {
    let date: Date | null;
    if (value instanceof Date) date = value;
    else if (typeof value === "string") {
      date = parseIsoDateTime(value);
      if (!date) return refuse("is not an ISO 8601 date-time with a time zone", "Pass a Date, or a string such as \"2030-01-31T12:00:00.000Z\"");
    } else if (typeof value === "number") {
      return refuse("must be a Date, not a number", "A number is ambiguous (seconds or milliseconds since 1970?): pass new Date(milliseconds)");
    } else return refuse("must be a Date", "Pass a Date, or an ISO 8601 string with a time zone");
    const time = date.getTime();
    if (Number.isNaN(time)) return refuse("is an invalid Date", "Check how it was computed: new Date(\"nope\") is an invalid Date");
    const year = yearProblem(date.getUTCFullYear());
    if (year) return year;
    if (step > 1 && ((time % step) + step) % step !== 0) {
      return refuse(`has more precision than the column's DATE(${column.length}) keeps`, "Round the Date yourself: the database would round it silently");
    }
    return toDatabaseDate(dialect, date);
  };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A Date (its local calendar day, as Sequelize writes it) or a real `YYYY-MM-DD` day; bound as `YYYY-MM-DD`. */
const dateOnlyRule: Rule = (value) => {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return refuse("is an invalid Date", "Check how it was computed: new Date(\"nope\") is an invalid Date");
    return yearProblem(value.getFullYear()) ?? toDateOnly(value);
  }
  if (typeof value === "string" && DATE_ONLY.test(value)) {
    const day = parseIsoDateTime(value);
    if (!day) return refuse("is not a calendar day", "Pass an existing day as YYYY-MM-DD");
    return yearProblem(day.getUTCFullYear()) ?? value;
  }
  return refuse("must be a Date or a YYYY-MM-DD string", "Pass a Date or a string such as \"2030-01-31\"");
};

/** Where `value` stops being plain JSON (which JSON.stringify would drop, change or reject), or null when it is plain JSON. */
function jsonProblem(value: unknown, path: string, open: Set<object>): string | null {
  if (value === null || typeof value === "string" || typeof value === "boolean") return null;
  if (typeof value === "number") return Number.isFinite(value) ? null : `${path} is ${value}`;
  if (typeof value !== "object") return `${path} is ${describeValue(value, "")}`;
  if (open.has(value)) return `${path} refers to an enclosing object (a cycle)`;
  const isArray = Array.isArray(value);
  const proto = Object.getPrototypeOf(value);
  if (!isArray && proto !== Object.prototype && proto !== null) return `${path} is ${describeValue(value, "")}`;
  open.add(value);
  try {
    if (isArray) {
      for (let i = 0; i < value.length; i++) {
        if (!(i in value) || value[i] === undefined) return `${path}[${i}] is undefined`;
        const problem = jsonProblem(value[i], `${path}[${i}]`, open);
        if (problem) return problem;
      }
    } else {
      for (const [key, item] of Object.entries(value)) {
        const problem = item === undefined ? `${path}.${key} is undefined` : jsonProblem(item, `${path}.${key}`, open);
        if (problem) return problem;
      }
    }
    return null;
  } finally {
    open.delete(value);
  }
}

const jsonRule: Rule = (value) => {
  const problem = jsonProblem(value, "(the value)", new Set());
  return problem
    ? refuse(`is not plain JSON: ${problem}`, "Store null, booleans, finite numbers, strings, arrays and plain objects only (convert Dates and bigints to strings yourself)")
    : JSON.stringify(value);
};

function ruleFor(column: ColumnSpec, dialect: Dialect): Rule {
  switch (column.type) {
    case "STRING":
      return textRule(column.length ?? 255);
    case "TEXT":
      return textRule(undefined, isMysqlFamily(dialect) ? MYSQL_TEXT_BYTES : undefined);
    case "INTEGER":
      return integerRule(-2147483648, 2147483647, INTEGER_RANGE);
    case "BIGINT":
      return integerRule(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, BIGINT_RANGE);
    case "FLOAT":
      return floatRule(dialect);
    case "DECIMAL":
      return decimalRule(column, dialect);
    case "BOOLEAN":
      return booleanRule;
    case "UUID":
      return uuidRule;
    case "DATE":
      return dateRule(column, dialect);
    case "DATEONLY":
      return dateOnlyRule;
    case "JSON":
      return jsonRule;
  }
}

export function columnEncoder(table: TableSpec, column: ColumnSpec, dialect: Dialect): ColumnEncoder {
  const rule = ruleFor(column, dialect);
  const { model } = table;
  const { attribute } = column;
  const reject = (value: unknown, problem: string, hint: string): never => {
    const got = `${problem}; got ${describeValue(value, attribute)}`;
    if (column.references) {
      // A reference that cannot be a key of the referenced table names a row that does not exist.
      throw new ForeignKeyConstraintError({ kind: "foreignKey", model, attributes: [attribute] }, `${model}.${attribute} ${got}, so it names no row of ${column.references.table}`, hint);
    }
    throw new InvalidValueError(model, attribute, value, got, hint);
  };
  return {
    write(value) {
      if (value === null || value === undefined) {
        if (column.allowNull) return null;
        return reject(value, "is required (the column is NOT NULL)", "Give it a value");
      }
      const bound = rule(value);
      return bound instanceof Refusal ? reject(value, bound.problem, bound.hint) : bound;
    },
    key(value) {
      if (value === null || value === undefined) return NO_MATCH;
      const bound = rule(value);
      return bound instanceof Refusal ? NO_MATCH : bound;
    },
  };
}

/** One encoder per column of the schema, built once per adapter; statements carry the same ColumnSpec objects. */
export function columnEncoders(schema: Schema, dialect: Dialect): Map<ColumnSpec, ColumnEncoder> {
  const encoders = new Map<ColumnSpec, ColumnEncoder>();
  for (const table of Object.values(schema.tables)) for (const column of table.columns) encoders.set(column, columnEncoder(table, column, dialect));
  return encoders;
}
