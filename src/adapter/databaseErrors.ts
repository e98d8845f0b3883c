import type { ColumnSpec, TableSpec } from "../schema";
import { describeValue } from "./describeValue";
import { ConstraintViolationError, ForeignKeyConstraintError, InvalidValueError, UniqueConstraintError } from "./errors";

/** The fields of a pg or sqlite3 driver error this module reads (Sequelize keeps the driver's error as `parent`). */
interface DriverError {
  code?: unknown;
  message?: unknown;
  /** mysql2 and mariadb: the server's message alone (`message` may add the SQL and its values). */
  sqlMessage?: unknown;
  constraint?: unknown;
  column?: unknown;
  detail?: unknown;
}

/** What was written: the statement's bound columns and their bound values, in the same order. */
export interface WriteAttempt {
  table: TableSpec;
  columns: readonly ColumnSpec[];
  values: readonly unknown[];
}

/**
 * A database error of a write, as an authdb error that names the model, the attribute(s) and the
 * constraint, with the database's error as `cause`. Constraint and column names are mapped back to
 * attributes through the Schema. MySQL's refusals of a character the column's character set lacks become an
 * InvalidValueError naming the column. Other errors are returned unchanged.
 *
 * PostgreSQL reports SQLSTATE codes with the constraint name, the column (not-null) and
 * `Key (col, …)=(…)` in `detail`; SQLite reports one code and names `table.column`s in the message;
 * MySQL and MariaDB (mysql2) report an ER_ code and name the key or the column in the message.
 */
export function translateDatabaseError(error: unknown, attempt: WriteAttempt): unknown {
  const driver = ((error as { parent?: DriverError } | null)?.parent ?? error ?? {}) as DriverError;
  const code = String(driver.code ?? "");
  const message = String(driver.sqlMessage ?? driver.message ?? "");
  const { table } = attempt;
  switch (code) {
    case "23505":
      return unique(attempt, postgresKeyColumns(table, driver), String(driver.constraint ?? ""), error);
    case "23503":
      return foreignKey(attempt, postgresKeyColumns(table, driver), String(driver.constraint ?? ""), error);
    case "23502":
      return notNull(attempt, typeof driver.column === "string" ? [driver.column] : [], error);
    case "22001":
      return tooLong(attempt, message, error);
    case "ER_DUP_ENTRY": {
      const key = mysqlKeyName(message);
      return unique(attempt, mysqlKeyColumns(table, key), key === "PRIMARY" ? "primary key" : key, error);
    }
    case "ER_NO_REFERENCED_ROW_2":
    case "ER_NO_REFERENCED_ROW": {
      const reference = /CONSTRAINT `([^`]+)` FOREIGN KEY \(([^)]+)\)/.exec(message);
      const columns = reference ? reference[2]!.split(",").map((name) => name.trim().replace(/^`|`$/g, "")) : attempt.columns.filter((c) => c.references).map((c) => c.column);
      return foreignKey(attempt, columns, reference?.[1] ?? "", error);
    }
    case "ER_BAD_NULL_ERROR":
    case "ER_NO_DEFAULT_FOR_FIELD": {
      const column = /(?:Column|Field) '([^']+)'/.exec(message)?.[1];
      return notNull(attempt, column ? [column] : [], error);
    }
    case "ER_DATA_TOO_LONG": {
      const column = /for column '([^']+)'/.exec(message)?.[1];
      return tooLong(attempt, message, error, column);
    }
    case "ER_TRUNCATED_WRONG_VALUE_FOR_FIELD": {
      // The same code reports a number the column cannot parse ("Incorrect integer value"): only text is a charset problem.
      if (!message.startsWith("Incorrect string value")) return error;
      const column = mysqlColumnName(/ for column (.+) at row \d+$/.exec(message.trim())?.[1] ?? "");
      return unstorable(attempt, column, message, error);
    }
  }
  if (!code.startsWith("SQLITE_CONSTRAINT")) return error;
  const failed = /(UNIQUE|NOT NULL) constraint failed: (.+)$/.exec(message);
  if (failed) {
    const columns = failed[2]!.split(", ").map((name) => name.slice(name.lastIndexOf(".") + 1));
    return failed[1] === "UNIQUE" ? unique(attempt, columns, sqliteKeyName(table, columns), error) : notNull(attempt, columns, error);
  }
  if (message.includes("FOREIGN KEY constraint failed")) {
    // SQLite names no column: the written references are the candidates.
    const references = attempt.columns.filter((c) => c.references).map((c) => c.column);
    return foreignKey(attempt, references, "", error);
  }
  return error;
}

/** The columns of a PostgreSQL key violation: from the Schema's index or primary key of that name, else from `Key (a, b)=(…)`. */
function postgresKeyColumns(table: TableSpec, driver: DriverError): string[] {
  const name = String(driver.constraint ?? "");
  const index = table.indexes.find((i) => i.name === name);
  if (index) return index.columns;
  if (name === `${table.table}_pkey`) return table.columns.filter((c) => c.primaryKey).map((c) => c.column);
  const key = /Key \((.+?)\)=/.exec(String(driver.detail ?? ""));
  return key ? key[1]!.split(", ").map((name) => name.replace(/^"|"$/g, "")) : [];
}

/** `Duplicate entry 'x' for key 'users_email_unique'` (MariaDB) or `… for key 'users.users_email_unique'` (MySQL 8). */
function mysqlKeyName(message: string): string {
  // The last `for key '…'`: the duplicate value comes first and may itself hold that text.
  const key = /for key '([^']+)'$/.exec(message.trim())?.[1] ?? "";
  return key.slice(key.lastIndexOf(".") + 1);
}

/**
 * MySQL's refusal to compare a key with a column in a narrower character set (ERROR 1267 "Illegal mix of
 * collations"): the adapter compares only keys, so it means the key holds a character no row can hold.
 */
export function isUncomparableKey(error: unknown): boolean {
  const driver = (error as { parent?: DriverError; original?: DriverError } | null)?.parent ?? (error as { original?: DriverError } | null)?.original;
  return driver?.code === "ER_CANT_AGGREGATE_2COLLATIONS" || driver?.code === "ER_CANT_AGGREGATE_3COLLATIONS";
}

/** The last name of `` `db`.`users`.`name` `` (MariaDB) or `'name'` (MySQL 8). */
function mysqlColumnName(reference: string): string | undefined {
  const quoted = /`((?:[^`]|``)*)`$/.exec(reference) ?? /'([^']*)'$/.exec(reference);
  return quoted ? quoted[1]!.replace(/``/g, "`") : undefined;
}

/** The columns of a MySQL key violation: the Schema's index of that name, or the primary key. */
function mysqlKeyColumns(table: TableSpec, key: string): string[] {
  if (key === "PRIMARY") return table.columns.filter((c) => c.primaryKey).map((c) => c.column);
  return table.indexes.find((i) => i.name === key)?.columns ?? [];
}

/** SQLite reports columns only; the Schema knows which unique index (or the primary key) covers exactly those. */
function sqliteKeyName(table: TableSpec, columns: string[]): string {
  const same = (other: string[]) => other.length === columns.length && other.every((c) => columns.includes(c));
  const index = table.indexes.find((i) => i.unique && same(i.columns));
  if (index) return index.name;
  return same(table.columns.filter((c) => c.primaryKey).map((c) => c.column)) ? "primary key" : "";
}

const attributesOf = (table: TableSpec, columns: string[]) => columns.map((name) => table.columns.find((c) => c.column === name)?.attribute ?? name);

const named = (constraint: string) => (constraint ? ` (${constraint === "primary key" ? "the primary key" : `constraint ${constraint}`})` : "");

function unique(attempt: WriteAttempt, columns: string[], constraint: string, cause: unknown): Error {
  const { model, table } = attempt.table;
  const attributes = attributesOf(attempt.table, columns);
  const what = attributes.length > 1 ? `(${attributes.map((a) => `${model}.${a}`).join(", ")}) must be unique together` : `${model}.${attributes[0] ?? "?"} must be unique`;
  return new UniqueConstraintError(
    { kind: "unique", model, attributes, constraint: constraint || undefined, cause },
    `${what}, and another row of ${table} already has ${attributes.length > 1 ? "these values" : "this value"}${named(constraint)}`,
    "Use another value, or look up and update the existing row",
  );
}

function foreignKey(attempt: WriteAttempt, columns: string[], constraint: string, cause: unknown): Error {
  const { model } = attempt.table;
  const attributes = attributesOf(attempt.table, columns);
  const shown = columns.map((name) => {
    const at = attempt.columns.findIndex((c) => c.column === name);
    const column = attempt.columns[at];
    const target = column?.references ? ` names no row of ${column.references.table}` : " names no existing row";
    return `${model}.${column?.attribute ?? name} ${at >= 0 ? `${describeValue(attempt.values[at], column!.attribute)}` : ""}${target}`;
  });
  return new ForeignKeyConstraintError(
    { kind: "foreignKey", model, attributes, constraint: constraint || undefined, cause },
    `${shown.join("; ") || `${model}: a reference names no existing row`}${named(constraint)}`,
    "Create the referenced row first (it may have been deleted meanwhile)",
  );
}

function notNull(attempt: WriteAttempt, columns: string[], cause: unknown): Error {
  const { model, table } = attempt.table;
  const attributes = attributesOf(attempt.table, columns);
  return new ConstraintViolationError(
    { kind: "notNull", model, attributes, cause },
    `${attributes.map((a) => `${model}.${a}`).join(", ") || model} is required: the column ${table}.${columns.join(", ")} is NOT NULL`,
    "Give it a value, or give the column a default in a migration",
  );
}

/**
 * PostgreSQL names the type (`character varying(20)`), not the column: the written strings longer than that
 * are the candidates. MySQL names the column (`Data too long for column 'name'`).
 */
function tooLong(attempt: WriteAttempt, message: string, cause: unknown, column?: string): Error {
  const { model, table } = attempt.table;
  const limit = Number(/\((\d+)\)/.exec(message)?.[1] ?? Number.NaN);
  const attributes = column
    ? attributesOf(attempt.table, [column])
    : attempt.columns
        .filter((c, i) => c.type === "STRING" && typeof attempt.values[i] === "string" && [...(attempt.values[i] as string)].length > limit)
        .map((c) => c.attribute);
  return new ConstraintViolationError(
    { kind: "length", model, attributes, cause },
    `${attributes.map((a) => `${model}.${a}`).join(" or ") || `a value of ${model}`} is longer than the database column of ${table} holds (${message})`,
    "The database's column is shorter than the schema says: run `authdb check` to find the drift, or shorten the value",
  );
}

/**
 * A text value the column's character set cannot hold (a latin1 or utf8mb3 column of an older or adopted
 * database, written with an emoji, say): MySQL refuses the write (`Incorrect string value`), naming the column.
 */
function unstorable(attempt: WriteAttempt, columnName: string | undefined, message: string, cause: unknown): unknown {
  const { model, table } = attempt.table;
  const texts = attempt.columns.map((column, i) => ({ column, value: attempt.values[i] })).filter(({ value }) => typeof value === "string");
  const culprit = texts.find(({ column }) => column.column === columnName);
  if (!culprit) return cause;
  const { column, value } = culprit;
  const definition = column.type === "STRING" ? `VARCHAR(${column.length ?? 255})` : column.type === "TEXT" ? "TEXT" : "<its type>";
  const error = new InvalidValueError(
    model,
    column.attribute,
    value,
    `${describeValue(value, column.attribute)} cannot be stored in the column ${table}.${column.column}: its character set has no such character (${message})`,
    `Convert the column to utf8mb4: \`authdb migrate\` does it for the Auth.js tables if their exact-text migration (20261123000002) has not run yet, ` +
      `otherwise by hand \`ALTER TABLE ${table} MODIFY ${column.column} ${definition} CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin ${column.allowNull ? "NULL" : "NOT NULL"}\` ` +
      `(MySQL 8: COLLATE utf8mb4_0900_bin). CONVERT TO CHARACTER SET is refused on these tables: it would change the foreign keys' columns`,
  );
  error.cause = cause;
  return error;
}
