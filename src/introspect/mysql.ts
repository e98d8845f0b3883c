import { QueryTypes, type Sequelize } from "sequelize";
import { normalizeAction, normalizeMysqlDefault, normalizeMysqlType } from "./normalizeType";
import type { ColumnShape, TableShape } from "./types";

// MySQL and MariaDB: everything is read from information_schema for the connection's database
// (DATABASE(), the one named in the URL). No identifier is spliced into SQL: tables are filtered here.

const TABLES_SQL = `
SELECT TABLE_NAME AS name
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
ORDER BY TABLE_NAME`;

const COLUMNS_SQL = `
SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS is_nullable,
       COLUMN_DEFAULT AS default_value, EXTRA AS extra, COLLATION_NAME AS collation
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, ORDINAL_POSITION`;

/**
 * One row per index column; PRIMARY is the primary key. COLUMN_NAME is NULL for a MySQL 8 functional key
 * part; SUB_PART is the length of a prefix index (`email(20)`), which enforces something else than the
 * whole column does, so it stays in the column's spelling.
 */
const INDEXES_SQL = `
SELECT TABLE_NAME AS table_name, INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name, SUB_PART AS sub_part
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;

/** A key into another database names it, so it does not pass for the same-named table here. */
const FOREIGN_KEYS_SQL = `
SELECT k.CONSTRAINT_NAME AS name, k.TABLE_NAME AS table_name, k.COLUMN_NAME AS column_name,
       CASE WHEN k.REFERENCED_TABLE_SCHEMA = k.TABLE_SCHEMA THEN k.REFERENCED_TABLE_NAME
            ELSE CONCAT(k.REFERENCED_TABLE_SCHEMA, '.', k.REFERENCED_TABLE_NAME) END AS referenced_table,
       k.REFERENCED_COLUMN_NAME AS referenced_column, r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

/** MariaDB only (MySQL's CHECK_CONSTRAINTS has no TABLE_NAME): where its JSON columns are found. */
const MARIADB_CHECKS_SQL = `
SELECT TABLE_NAME AS table_name, CHECK_CLAUSE AS clause
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE()`;

interface ColumnRow {
  table_name: string;
  name: string;
  type: string;
  is_nullable: string;
  default_value: string | null;
  extra: string | null;
  collation: string | null;
}
interface IndexRow {
  table_name: string;
  name: string;
  non_unique: number | string;
  column_name: string | null;
  sub_part: number | string | null;
}
interface ForeignKeyRow {
  name: string;
  table_name: string;
  column_name: string;
  referenced_table: string;
  referenced_column: string;
  on_delete: string;
  on_update: string;
}

/** information_schema text can come back as a Buffer (binary collations on some servers). */
const text = (value: unknown): string => (Buffer.isBuffer(value) ? value.toString("utf8") : String(value));
const textOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : text(value));

function select<T extends object>(sequelize: Sequelize, sql: string): Promise<T[]> {
  return sequelize.query<T>(sql, { type: QueryTypes.SELECT });
}

export async function listMysqlTables(sequelize: Sequelize): Promise<string[]> {
  return (await select<{ name: string }>(sequelize, TABLES_SQL)).map((row) => text(row.name));
}

/**
 * MariaDB has no JSON type: `JSON` creates `longtext` with a `CHECK (json_valid(col))`. Such a column is
 * reported as `json`, as MySQL reports its own, so one expected spelling serves both servers (and a
 * Sequelize "mysql" instance says nothing about which one it talks to). A longtext without the check
 * accepts any text, and stays `longtext`: that is drift.
 */
async function mariadbJsonColumns(sequelize: Sequelize, columns: ColumnRow[]): Promise<Set<string>> {
  const json = new Set<string>();
  if (!columns.some((column) => text(column.type).toLowerCase() === "longtext")) return json;
  const [server] = await select<{ version: string }>(sequelize, "SELECT VERSION() AS version");
  if (!/mariadb/i.test(text(server?.version ?? ""))) return json;
  for (const row of await select<{ table_name: string; clause: string }>(sequelize, MARIADB_CHECKS_SQL)) {
    const column = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(text(row.clause).trim());
    if (column) json.add(`${text(row.table_name)}.${column[1].replace(/``/g, "`")}`);
  }
  return json;
}

function columnShape(row: ColumnRow, json: boolean): ColumnShape {
  const type = normalizeMysqlType(text(row.type));
  const collation = textOrNull(row.collation);
  return {
    name: text(row.name),
    type: json && type === "longtext" ? "json" : type,
    nullable: text(row.is_nullable) === "YES",
    default: normalizeMysqlDefault(textOrNull(row.default_value), textOrNull(row.extra)),
    ...(collation ? { collation } : {}),
  };
}

/** Reads the given tables; a table that does not exist is simply absent from the result. */
export async function introspectMysql(sequelize: Sequelize, tableNames: string[]): Promise<TableShape[]> {
  const wanted = new Set(tableNames);
  const [columns, indexes, foreignKeys] = await Promise.all([
    select<ColumnRow>(sequelize, COLUMNS_SQL).then((rows) => rows.filter((row) => wanted.has(text(row.table_name)))),
    select<IndexRow>(sequelize, INDEXES_SQL),
    select<ForeignKeyRow>(sequelize, FOREIGN_KEYS_SQL),
  ]);
  const jsonColumns = await mariadbJsonColumns(sequelize, columns);

  const tables = new Map<string, TableShape>();
  for (const row of columns) {
    const name = text(row.table_name);
    let table = tables.get(name);
    if (!table) {
      table = { name, columns: [], primaryKey: [], uniques: [], indexes: [], foreignKeys: [] };
      tables.set(name, table);
    }
    table.columns.push(columnShape(row, jsonColumns.has(`${name}.${text(row.name)}`)));
  }

  // Rows come ordered by table, index and position: consecutive rows with the same names are one index.
  let current: { table: string; name: string; unique: boolean; columns: string[] } | undefined;
  const finish = () => {
    const table = current && tables.get(current.table);
    if (!current || !table) return;
    if (current.name === "PRIMARY") table.primaryKey = [...current.columns].sort();
    else (current.unique ? table.uniques : table.indexes).push({ name: current.name, columns: current.columns });
  };
  for (const row of indexes) {
    const table = text(row.table_name);
    const name = text(row.name);
    if (!current || current.table !== table || current.name !== name) {
      finish();
      current = { table, name, unique: Number(row.non_unique) === 0, columns: [] };
    }
    const column = row.column_name === null ? "(expression)" : text(row.column_name);
    current.columns.push(row.sub_part === null ? column : `${column}(${Number(row.sub_part)})`);
  }
  finish();

  const byConstraint = new Map<string, ForeignKeyRow[]>();
  for (const row of foreignKeys) {
    const key = `${text(row.table_name)}\u0000${text(row.name)}`;
    byConstraint.set(key, [...(byConstraint.get(key) ?? []), row]);
  }
  for (const parts of byConstraint.values()) {
    const first = parts[0];
    const table = tables.get(text(first.table_name));
    if (!table) continue;
    table.foreignKeys.push({
      name: text(first.name),
      columns: parts.map((p) => text(p.column_name)),
      table: text(first.referenced_table),
      referencedColumns: parts.map((p) => text(p.referenced_column)),
      onDelete: normalizeAction(text(first.on_delete)),
      onUpdate: normalizeAction(text(first.on_update)),
    });
  }
  return [...tables.values()];
}
