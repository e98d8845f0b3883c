import { QueryTypes, type Sequelize } from "sequelize";
import { resolveSchema } from "../database/catalog";
import { normalizeAction, normalizePostgresType } from "./normalizeType";
import type { TableShape } from "./types";

// Everything is read from pg_catalog (which, unlike information_schema, shows tables the user has no
// privilege on) for the schema the migrations created the tables in: the configured `schema`, else
// current_schema() (src/database/catalog.ts).

const TABLES_SQL = `
SELECT c.relname AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
ORDER BY c.relname`;

const COLUMNS_SQL = `
SELECT c.relname AS table_name, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_value
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum`;

/** Unique constraints show up here as the unique indexes that enforce them; expression columns as their SQL. */
const INDEXES_SQL = `
SELECT t.relname AS table_name, i.relname AS name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
       array(SELECT coalesce(a.attname::text, pg_get_indexdef(ix.indexrelid, k.ord, true))
             FROM generate_series(1, ix.indnkeyatts::int) AS k(ord)
             LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k.ord - 1]
             ORDER BY k.ord)::text[] AS columns
FROM pg_index ix
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = $1
ORDER BY t.relname, i.relname`;

const FOREIGN_KEYS_SQL = `
SELECT con.conname AS name, t.relname AS table_name, rt.relname AS referenced_table,
       array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
       array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS referenced_columns,
       con.confdeltype AS on_delete, con.confupdtype AS on_update
FROM pg_constraint con
JOIN pg_class t ON t.oid = con.conrelid
JOIN pg_class rt ON rt.oid = con.confrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE con.contype = 'f' AND n.nspname = $1
ORDER BY t.relname, con.conname`;

interface ColumnRow {
  table_name: string;
  name: string;
  type: string;
  not_null: boolean;
  default_value: string | null;
}
interface IndexRow {
  table_name: string;
  name: string;
  is_unique: boolean;
  is_primary: boolean;
  columns: string[];
}
interface ForeignKeyRow {
  name: string;
  table_name: string;
  referenced_table: string;
  columns: string[];
  referenced_columns: string[];
  on_delete: string;
  on_update: string;
}

async function select<T extends object>(sequelize: Sequelize, sql: string, schema: string | null): Promise<T[]> {
  // A search_path that names no existing schema has no tables.
  if (schema === null) return [];
  return sequelize.query<T>(sql, { type: QueryTypes.SELECT, bind: [schema] });
}

export async function listPostgresTables(sequelize: Sequelize): Promise<string[]> {
  return (await select<{ name: string }>(sequelize, TABLES_SQL, await resolveSchema(sequelize))).map((row) => row.name);
}

/** Reads the given tables; a table that does not exist is simply absent from the result. */
export async function introspectPostgres(sequelize: Sequelize, tableNames: string[]): Promise<TableShape[]> {
  const wanted = new Set(tableNames);
  const schema = await resolveSchema(sequelize);
  const [columns, indexes, foreignKeys] = await Promise.all([
    select<ColumnRow>(sequelize, COLUMNS_SQL, schema),
    select<IndexRow>(sequelize, INDEXES_SQL, schema),
    select<ForeignKeyRow>(sequelize, FOREIGN_KEYS_SQL, schema),
  ]);
  const tables = new Map<string, TableShape>();
  for (const row of columns) {
    if (!wanted.has(row.table_name)) continue;
    let table = tables.get(row.table_name);
    if (!table) {
      table = { name: row.table_name, columns: [], primaryKey: [], uniques: [], indexes: [], foreignKeys: [] };
      tables.set(row.table_name, table);
    }
    table.columns.push({ name: row.name, type: normalizePostgresType(row.type), nullable: !row.not_null, default: row.default_value });
  }
  for (const row of indexes) {
    const table = tables.get(row.table_name);
    if (!table) continue;
    if (row.is_primary) table.primaryKey = [...row.columns].sort();
    else (row.is_unique ? table.uniques : table.indexes).push({ name: row.name, columns: row.columns });
  }
  for (const row of foreignKeys) {
    const table = tables.get(row.table_name);
    if (!table) continue;
    table.foreignKeys.push({
      name: row.name,
      columns: row.columns,
      table: row.referenced_table,
      referencedColumns: row.referenced_columns,
      onDelete: normalizeAction(row.on_delete),
      onUpdate: normalizeAction(row.on_update),
    });
  }
  return [...tables.values()];
}
