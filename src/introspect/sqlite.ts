import { QueryTypes, type Sequelize } from "sequelize";
import { normalizeAction, normalizeSqliteType } from "./normalizeType";
import type { KeyShape, TableShape } from "./types";

// SQLite's catalog is sqlite_master plus the table-valued pragma functions (SQLite 3.16+), read with
// bound table names so no identifier is spliced into SQL.

interface TableInfoRow {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}
interface IndexListRow {
  name: string;
  unique: number;
  /** c: CREATE INDEX, u: UNIQUE constraint, pk: the PRIMARY KEY's own index. */
  origin: string;
}
interface IndexInfoRow {
  seqno: number;
  name: string | null;
}
interface ForeignKeyRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}

function select<T extends object>(sequelize: Sequelize, sql: string, replacements: unknown[] = []): Promise<T[]> {
  return sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
}

export async function listSqliteTables(sequelize: Sequelize): Promise<string[]> {
  const rows = await select<{ name: string }>(sequelize, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  return rows.map((row) => row.name);
}

async function readIndexes(sequelize: Sequelize, table: string): Promise<{ uniques: KeyShape[]; indexes: KeyShape[] }> {
  const uniques: KeyShape[] = [];
  const indexes: KeyShape[] = [];
  const list = await select<IndexListRow>(sequelize, "SELECT name, \"unique\", origin FROM pragma_index_list(?)", [table]);
  for (const index of list) {
    if (index.origin === "pk") continue;
    const info = await select<IndexInfoRow>(sequelize, "SELECT seqno, name FROM pragma_index_info(?) ORDER BY seqno", [index.name]);
    // An expression column has no name; keep a marker so the index still compares as different from a plain one.
    const key = { name: index.name, columns: info.map((c) => c.name ?? "(expression)") };
    (index.unique ? uniques : indexes).push(key);
  }
  return { uniques, indexes };
}

async function readForeignKeys(sequelize: Sequelize, table: string, primaryKeyOf: (table: string) => Promise<string[]>): Promise<TableShape["foreignKeys"]> {
  const rows = await select<ForeignKeyRow>(sequelize, "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq", [table]);
  const byId = new Map<number, ForeignKeyRow[]>();
  for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  const keys: TableShape["foreignKeys"] = [];
  for (const parts of byId.values()) {
    const first = parts[0];
    // `REFERENCES users` without columns means the referenced table's primary key.
    const referenced = parts.every((p) => p.to) ? parts.map((p) => p.to as string) : await primaryKeyOf(first.table);
    keys.push({
      columns: parts.map((p) => p.from),
      table: first.table,
      referencedColumns: referenced,
      onDelete: normalizeAction(first.on_delete),
      onUpdate: normalizeAction(first.on_update),
    });
  }
  return keys;
}

async function primaryKeyColumns(sequelize: Sequelize, table: string): Promise<string[]> {
  const columns = await select<TableInfoRow>(sequelize, "SELECT name, pk FROM pragma_table_info(?)", [table]);
  return columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
}

/** Reads the given tables; a table that does not exist is simply absent from the result. */
export async function introspectSqlite(sequelize: Sequelize, tableNames: string[]): Promise<TableShape[]> {
  const existing = new Set(await listSqliteTables(sequelize));
  const tables: TableShape[] = [];
  for (const name of tableNames) {
    if (!existing.has(name)) continue;
    const columns = await select<TableInfoRow>(sequelize, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid", [name]);
    tables.push({
      name,
      columns: columns.map((c) => ({ name: c.name, type: normalizeSqliteType(c.type), nullable: c.notnull === 0, default: c.dflt_value })),
      primaryKey: columns.filter((c) => c.pk > 0).map((c) => c.name).sort(),
      ...(await readIndexes(sequelize, name)),
      foreignKeys: await readForeignKeys(sequelize, name, (table) => primaryKeyColumns(sequelize, table)),
    });
  }
  return tables;
}
