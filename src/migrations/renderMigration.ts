import path from "node:path";
import { tablesInOrder, type ColumnSpec, type Schema, type TableSpec } from "../schema";
import { renderTemplate } from "../templates";
import { BLANK_FINGERPRINT, stampFingerprint } from "./fingerprint";
import { jsIdentifier, jsLiteral, jsTypeName } from "./jsLiteral";

/**
 * The name of the migration that creates the Auth.js tables. It is fixed (not the time of `init`),
 * so the files `authdb init` writes and the set `migrate()` renders in memory record the same
 * SequelizeMeta row, and a database can move from one to the other.
 */
export const INITIAL_MIGRATION_NAME = "20261123000000-authdb-initial.js";

const INDENT = "    ";

function renderType(table: TableSpec, column: ColumnSpec): string {
  const where = `${table.table}.${column.column}`;
  const type = `Sequelize.${jsTypeName(column.type, where)}`;
  switch (column.type) {
    case "STRING":
    case "DATE":
      return column.length !== undefined ? `${type}(${jsLiteral(column.length, "integer", `${where} length`)})` : type;
    case "DECIMAL": {
      if (column.precision === undefined) return type;
      const precision = jsLiteral(column.precision, "integer", `${where} precision`);
      return column.scale !== undefined ? `${type}(${precision}, ${jsLiteral(column.scale, "integer", `${where} scale`)})` : `${type}(${precision})`;
    }
    default:
      return type;
  }
}

function renderColumn(table: TableSpec, column: ColumnSpec): string {
  const where = `${table.table}.${column.column}`;
  const parts = [`type: ${renderType(table, column)}`, `allowNull: ${jsLiteral(column.allowNull, "boolean", `${where} allowNull`)}`];
  if (column.primaryKey) parts.push("primaryKey: true");
  if (column.defaultValue !== undefined) parts.push(`defaultValue: ${jsLiteral(column.defaultValue, "scalar", `${where} defaultValue`)}`);
  if (column.references) {
    const { table: target, column: key, onDelete } = column.references;
    parts.push(`references: { model: ${jsLiteral(target, "string", `${where} references`)}, key: ${jsLiteral(key, "string", `${where} references`)} }`);
    parts.push(`onDelete: ${jsLiteral(onDelete, "string", `${where} onDelete`)}`, `onUpdate: "CASCADE"`);
  }
  return `${INDENT}  ${jsIdentifier(column.column, `${table.table} column`)}: { ${parts.join(", ")} },`;
}

function renderCreateTable(table: TableSpec): string[] {
  const name = jsLiteral(jsIdentifier(table.table, "table"), "string", "table");
  const lines = [`${INDENT}await queryInterface.createTable(${name}, {`, ...table.columns.map((c) => renderColumn(table, c)), `${INDENT}});`];
  for (const index of table.indexes) {
    const where = `${table.table} index`;
    const options = [`name: ${jsLiteral(index.name, "string", where)}`];
    if (index.unique) options.push("unique: true");
    const columns = index.columns.map((c) => jsLiteral(c, "string", where)).join(", ");
    lines.push(`${INDENT}await queryInterface.addIndex(${name}, [${columns}], { ${options.join(", ")} });`);
  }
  return lines;
}

function describeCustomColumns(schema: Schema): string {
  // Names written into the file's doc comment: identifiers only, so nothing can close the comment.
  const custom = tablesInOrder(schema).flatMap((t) => t.columns.filter((c) => c.custom).map((c) => `${jsIdentifier(t.table, "table")}.${jsIdentifier(c.column, "column")}`));
  return custom.length ? ` Custom columns: ${custom.join(", ")}.` : "";
}

/** Renders the migration that creates every Auth.js table of `schema`, custom columns included. */
export function renderInitialMigration(schema: Schema): string {
  const tables = tablesInOrder(schema);
  const up = tables.flatMap((table, i) => (i === 0 ? renderCreateTable(table) : ["", ...renderCreateTable(table)]));
  const down = [...tables].reverse().map((table) => `${INDENT}await queryInterface.dropTable(${jsLiteral(table.table, "string", "table")});`);
  const names = tables.map((t) => jsIdentifier(t.table, "table")).join(", ");
  const text = renderTemplate("initial-migration.js", {
    description: `authdb: creates the Auth.js tables (${names}).${describeCustomColumns(schema)}`,
    fingerprint: BLANK_FINGERPRINT,
    up: up.join("\n"),
    down: down.join("\n"),
  });
  return stampFingerprint(text);
}

/** Renders an empty migration for `authdb create`. */
export function renderEmptyMigration(name: string): string {
  return renderTemplate("empty-migration.js", { description: `${name}: created by \`authdb create\`.` });
}

/** The config `init` writes; the folder is a JS string literal, with forward slashes on every OS. */
export function renderConfigFile(migrationsDir: string): string {
  return renderTemplate("authdb.config.js", { migrationsDir: jsLiteral(migrationsDir.split(path.sep).join("/"), "string", "migrationsDir") });
}

/** `20261123093015`: UTC, to the second, as sequelize-cli names its files. */
export function migrationTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** `add phone number` → `20261123093015-add-phone-number.js`; rejects names that would not make a file name. */
export function migrationFileName(name: string, date = new Date()): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!slug) throw new Error(`"${name}" gives an empty file name; use letters and digits, e.g. add-phone-number`);
  return `${migrationTimestamp(date)}-${slug}.js`;
}
