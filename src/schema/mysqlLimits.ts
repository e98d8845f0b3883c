import { MAX_TABLE_NAME_WITH_FOREIGN_KEY, MYSQL_FOREIGN_KEY_SUFFIX } from "./naming";
import type { ColumnSpec, IndexSpec, Schema, TableSpec } from "./types";
import { tablesInOrder } from "./buildSchema";

/**
 * What a table must fit on MySQL and MariaDB. One migration file serves every database, so authdb does not
 * write a migration that could not run there, whatever the URL (src/config/assertFitsMysql.ts says when
 * this is checked). Measured on MariaDB 10.11 (utf8mb4, InnoDB
 * DYNAMIC rows, 16 KB pages, the defaults of MariaDB 10.2+ and MySQL 5.7+):
 * - keyBytes: an InnoDB key holds 3,072 bytes. MySQL refuses a longer one (ERROR 1071); MariaDB silently
 *   builds a HASH "long unique" instead, which no other database has and which is slower.
 * - rowBytes: the server's row limit, counted as rowBytesOf does (ERROR 1118 "Row size too large").
 * - recordBytes: InnoDB keeps a row that must stay in its page under half a 16 KB page (ERROR 1118
 *   "Row size too large (> 8126)" under innodb_strict_mode, on by default), counted as recordBytesOf does.
 * - columns: InnoDB's column limit (errno 185 "Too many columns" at 1,018).
 */
export const MYSQL_LIMITS = {
  bytesPerCharacter: 4,
  keyBytes: 3072,
  rowBytes: 65535,
  recordBytes: 8125,
  columns: 1017,
} as const;

/** The longest STRING a unique key takes whole: 768 characters. */
export const MAX_UNIQUE_STRING_LENGTH = MYSQL_LIMITS.keyBytes / MYSQL_LIMITS.bytesPerCharacter;

/** A config field a MySQL-family server could not take; `path` names it (`extend.User.bio`, `tables.Account`). */
export interface MysqlLimitProblem {
  path: string;
  problem: string;
}

/** How one column counts toward each limit on MySQL and MariaDB; `key` is null for a type no key can hold whole. */
export interface MysqlColumnBytes {
  /** The type the migration creates there: `VARCHAR(255)`, `CHAR(36)`. */
  sqlType: string;
  row: number;
  record: number;
  key: number | null;
}

// InnoDB stores a column longer than 255 bytes (a STRING over 63 characters, TEXT, JSON) off the page when
// the row would not fit it. MariaDB 10.11 then counts 21 bytes for it in the page (measured); MySQL 8 counts
// 41 (dict_index_too_big_for_tree: 40 bytes kept in place, 1 length byte; read from its source, not run
// here). The larger is used, so a config that fits MySQL fits MariaDB.
const OFF_PAGE_RECORD_BYTES = 41;
const MAX_IN_PAGE_BYTES = 255;

/** MySQL's DECIMAL packs 9 digits into 4 bytes, and the digits left over into 0 to 4 (exact, measured). */
function decimalDigitBytes(digits: number): number {
  const LEFTOVER = [0, 1, 1, 2, 2, 3, 3, 4, 4];
  return Math.floor(digits / 9) * 4 + LEFTOVER[digits % 9];
}

function fixed(sqlType: string, bytes: number): MysqlColumnBytes {
  return { sqlType, row: bytes, record: bytes, key: bytes };
}

/** Each figure was measured on MariaDB 10.11, one column at a time against a filler at the row limit. */
export function mysqlColumnBytes(column: ColumnSpec): MysqlColumnBytes {
  switch (column.type) {
    case "STRING": {
      const length = column.length ?? 255;
      const bytes = length * MYSQL_LIMITS.bytesPerCharacter;
      // The length prefix takes 1 byte up to 255 bytes, 2 beyond.
      const prefix = bytes > MAX_IN_PAGE_BYTES ? 2 : 1;
      return { sqlType: `VARCHAR(${length})`, row: bytes + prefix, record: bytes > MAX_IN_PAGE_BYTES ? OFF_PAGE_RECORD_BYTES : bytes + prefix, key: bytes };
    }
    case "UUID":
      // CHAR(36) is fixed in the row, but InnoDB stores a multi-byte CHAR with a length byte, in the page.
      return { sqlType: "CHAR(36)", row: 144, record: 145, key: 144 };
    case "TEXT":
      // The row counts a 2-byte length and an 8-byte pointer (MySQL's own BLOB rule).
      return { sqlType: "TEXT", row: 10, record: OFF_PAGE_RECORD_BYTES, key: null };
    case "JSON":
      // LONGTEXT on MariaDB, a LONGBLOB-like type on MySQL: a 4-byte length and the pointer.
      return { sqlType: "JSON", row: 12, record: OFF_PAGE_RECORD_BYTES, key: null };
    case "INTEGER":
      return fixed("INTEGER", 4);
    case "BIGINT":
      return fixed("BIGINT", 8);
    case "FLOAT":
      return fixed("FLOAT", 4);
    case "BOOLEAN":
      return fixed("TINYINT(1)", 1);
    case "DATEONLY":
      return fixed("DATE", 3);
    case "DATE": {
      const digits = column.length ?? 0;
      return fixed(`DATETIME(${digits})`, 5 + Math.ceil(digits / 2));
    }
    case "DECIMAL": {
      // Sequelize's bare DECIMAL is MySQL's DECIMAL(10,0); DECIMAL(p) has scale 0.
      const precision = column.precision ?? 10;
      const scale = column.scale ?? 0;
      return fixed(`DECIMAL(${precision},${scale})`, decimalDigitBytes(precision - scale) + decimalDigitBytes(scale));
    }
  }
}

/** One bit per nullable column, whole bytes (measured: 8 nullable columns take 1 byte, 9 take 2). */
function nullBytes(table: TableSpec): number {
  return Math.ceil(table.columns.filter((c) => c.allowNull).length / 8);
}

/** The row size the server checks against 65,535 bytes; exact on MariaDB 10.11 for utf8mb4 tables. */
export function rowBytesOf(table: TableSpec): number {
  return table.columns.reduce((sum, column) => sum + mysqlColumnBytes(column).row, nullBytes(table));
}

/**
 * The largest row InnoDB may have to keep in one page, checked against 8,125 bytes: a 5-byte record header,
 * the null bits, the transaction id and roll pointer (13 bytes) every clustered row carries, and each column.
 * Every authdb table has a primary key, so there is no hidden row id. Exact on MariaDB 10.11 but for the
 * 20 bytes per off-page column that MySQL 8 counts more (OFF_PAGE_RECORD_BYTES).
 */
export function recordBytesOf(table: TableSpec): number {
  return table.columns.reduce((sum, column) => sum + mysqlColumnBytes(column).record, 5 + 13 + nullBytes(table));
}

const bytes = (n: number) => `${n.toLocaleString("en-US")} bytes`;

function customPath(table: TableSpec, column: ColumnSpec | undefined): string {
  return column?.custom ? `extend.${table.model}.${column.attribute}` : `tables.${table.model}`;
}

function keyProblem(table: TableSpec, key: IndexSpec): MysqlLimitProblem | null {
  const columns = key.columns.map((name) => table.columns.find((c) => c.column === name)!);
  const what = key.unique ? "unique" : "indexed";
  for (const column of columns) {
    if (mysqlColumnBytes(column).key !== null) continue;
    const refusal =
      column.type === "JSON" ? `ERROR 3152 "JSON column '${column.column}' cannot be used in key specification"` : `ERROR 1170 "BLOB/TEXT column '${column.column}' used in key specification without a key length"`;
    return {
      path: customPath(table, column),
      problem: `is a ${what} ${column.type} column, which MySQL cannot key (${refusal}) and MariaDB keys with a slower HASH index instead of a B-tree; make it STRING with length ${MAX_UNIQUE_STRING_LENGTH} or less, or remove unique`,
    };
  }
  const total = columns.reduce((sum, column) => sum + mysqlColumnBytes(column).key!, 0);
  if (total <= MYSQL_LIMITS.keyBytes) return null;
  const longest = columns.reduce((a, b) => (mysqlColumnBytes(b).key! > mysqlColumnBytes(a).key! ? b : a));
  const single = columns.length === 1 && longest.type === "STRING";
  return {
    path: customPath(table, columns.find((c) => c.custom) ?? longest),
    problem: single
      ? `is a ${what} STRING(${longest.length}): its key would take ${bytes(total)} in utf8mb4 (4 bytes a character), over InnoDB's ${bytes(MYSQL_LIMITS.keyBytes)} (${MAX_UNIQUE_STRING_LENGTH} characters). MySQL refuses it (ERROR 1071 "Specified key was too long") and MariaDB silently builds a slower HASH index instead; give it length ${MAX_UNIQUE_STRING_LENGTH} or less, or make it TEXT without unique (a prefix key would keep only the first characters unique)`
      : `gives the key ${key.name} (${key.columns.join(", ")}) ${bytes(total)} in utf8mb4, over InnoDB's ${bytes(MYSQL_LIMITS.keyBytes)} (MySQL: ERROR 1071 "Specified key was too long"); shorten its STRING columns`,
  };
}

function largestCustom(table: TableSpec, size: (c: MysqlColumnBytes) => number): string {
  return table.columns
    .filter((c) => c.custom)
    .map((c) => ({ c, n: size(mysqlColumnBytes(c)) }))
    .sort((a, b) => b.n - a.n)
    .slice(0, 3)
    .map(({ c, n }) => `${c.attribute} ${mysqlColumnBytes(c).sqlType} ${bytes(n)}`)
    .join(", ");
}

/**
 * Why `table` could not be created on MySQL or MariaDB, naming the config field at fault, or null. The
 * built-in tables fit; only `tables` renames and `extend` columns can break a limit.
 */
export function mysqlLimitProblem(table: TableSpec): MysqlLimitProblem | null {
  return tableLimitProblems(table)[0] ?? null;
}

/** Every key at fault, then the first of the table-wide limits (the names, the column count, the row sizes). */
function tableLimitProblems(table: TableSpec): MysqlLimitProblem[] {
  const primaryKey = table.columns.filter((c) => c.primaryKey).map((c) => c.column);
  const keys = [{ name: "PRIMARY", columns: primaryKey, unique: true }, ...table.indexes].flatMap((key) => (key.columns.length ? (keyProblem(table, key) ?? []) : []));
  const defaults = table.columns.flatMap((column) => textDefaultProblem(table, column) ?? []);
  const whole = tableWideProblem(table);
  return whole ? [...keys, ...defaults, whole] : [...keys, ...defaults];
}

/**
 * A TEXT column cannot have a literal default on MySQL (ERROR 1101), and Sequelize leaves the default out of
 * the migration's SQL on MySQL and MariaDB without a word: the column would have none, and a row written
 * without the value would get NULL there (measured on MariaDB 10.11). JSON defaults are refused already.
 */
function textDefaultProblem(table: TableSpec, column: ColumnSpec): MysqlLimitProblem | null {
  if (column.type !== "TEXT" || column.defaultValue === undefined || column.defaultValue === null) return null;
  return {
    path: customPath(table, column),
    problem: `is a TEXT column with a defaultValue, which MySQL refuses (ERROR 1101 "BLOB, TEXT, GEOMETRY or JSON column can't have a default value") and the migration would leave out on MariaDB; make it a STRING with a length, or set the value in your application`,
  };
}

function tableWideProblem(table: TableSpec): MysqlLimitProblem | null {
  if (table.columns.some((c) => c.references) && table.table.length > MAX_TABLE_NAME_WITH_FOREIGN_KEY) {
    return {
      path: `tables.${table.model}`,
      problem: `"${table.table}" is ${table.table.length} characters: MySQL and MariaDB name this table's foreign key to the users table "${table.table}${MYSQL_FOREIGN_KEY_SUFFIX}", which is too long for MariaDB (ERROR 1059 "Identifier name is too long": it takes 63 characters there, MySQL 64); choose a name of ${MAX_TABLE_NAME_WITH_FOREIGN_KEY} characters or fewer`,
    };
  }
  const extend = `extend.${table.model}`;
  if (table.columns.length > MYSQL_LIMITS.columns) {
    return {
      path: extend,
      problem: `gives ${table.table} ${table.columns.length} columns, over InnoDB's ${MYSQL_LIMITS.columns} per table (errno 185 "Too many columns"); remove ${table.columns.length - MYSQL_LIMITS.columns} or keep them in a table of your own`,
    };
  }
  const row = rowBytesOf(table);
  if (row > MYSQL_LIMITS.rowBytes) {
    return {
      path: extend,
      problem: `gives ${table.table} rows of ${bytes(row)} on MySQL and MariaDB, over their ${bytes(MYSQL_LIMITS.rowBytes)} (ERROR 1118 "Row size too large"). In utf8mb4 a STRING(n) takes 4n + 2 bytes of it (TEXT 10, stored off the row), and every STRING counts, the built-in ones too; the largest custom columns: ${largestCustom(table, (c) => c.row)}. Shorten them or make the longest TEXT`,
    };
  }
  const record = recordBytesOf(table);
  if (record > MYSQL_LIMITS.recordBytes) {
    return {
      path: extend,
      problem: `gives ${table.table} rows of up to ${bytes(record)} that InnoDB must keep in one 16 KB page, over its ${bytes(MYSQL_LIMITS.recordBytes)} (ERROR 1118 "Row size too large (> 8126)"). A STRING of 63 characters or fewer takes 4n + 1 bytes there, a UUID 145 and a number or date its size; TEXT, JSON and longer STRING columns take ${OFF_PAGE_RECORD_BYTES} (stored off the page). The largest custom columns: ${largestCustom(table, (c) => c.record)}. Make some short STRING columns TEXT, or keep some columns in a table of your own`,
    };
  }
  return null;
}

/** Every key at fault, and each table's first table-wide problem (fixing one can settle the next). */
export function mysqlLimitProblems(schema: Schema): MysqlLimitProblem[] {
  return tablesInOrder(schema).flatMap(tableLimitProblems);
}
