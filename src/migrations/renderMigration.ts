import path from "node:path";
import { tablesInOrder, type ColumnSpec, type Schema, type TableSpec } from "../schema";
import { renderTemplate } from "../templates";
import { BLANK_FINGERPRINT, stampFingerprint } from "./fingerprint";

/**
 * The name of the migration that creates the Auth.js tables. It is fixed (not the time of `init`),
 * so the files `authdb init` writes and the set `migrate()` renders in memory record the same
 * SequelizeMeta row, and a database can move from one to the other.
 */
export const INITIAL_MIGRATION_NAME = "20261123000000-authdb-initial.js";

const INDENT = "    ";

function renderType(column: ColumnSpec): string {
  switch (column.type) {
    case "STRING":
    case "DATE":
      return column.length !== undefined ? `Sequelize.${column.type}(${column.length})` : `Sequelize.${column.type}`;
    case "DECIMAL":
      if (column.precision !== undefined && column.scale !== undefined) return `Sequelize.DECIMAL(${column.precision}, ${column.scale})`;
      if (column.precision !== undefined) return `Sequelize.DECIMAL(${column.precision})`;
      return "Sequelize.DECIMAL";
    default:
      return `Sequelize.${column.type}`;
  }
}

function renderColumn(column: ColumnSpec): string {
  const parts = [`type: ${renderType(column)}`, `allowNull: ${column.allowNull}`];
  if (column.primaryKey) parts.push("primaryKey: true");
  if (column.defaultValue !== undefined) parts.push(`defaultValue: ${JSON.stringify(column.defaultValue)}`);
  if (column.references) {
    const { table, column: key, onDelete } = column.references;
    parts.push(`references: { model: ${JSON.stringify(table)}, key: ${JSON.stringify(key)} }`);
    parts.push(`onDelete: ${JSON.stringify(onDelete)}`, `onUpdate: "CASCADE"`);
  }
  return `${INDENT}  ${column.column}: { ${parts.join(", ")} },`;
}

function renderCreateTable(table: TableSpec): string[] {
  const lines = [`${INDENT}await queryInterface.createTable(${JSON.stringify(table.table)}, {`, ...table.columns.map(renderColumn), `${INDENT}});`];
  for (const index of table.indexes) {
    const options = [`name: ${JSON.stringify(index.name)}`];
    if (index.unique) options.push("unique: true");
    lines.push(
      `${INDENT}await queryInterface.addIndex(${JSON.stringify(table.table)}, [${index.columns.map((c) => JSON.stringify(c)).join(", ")}], { ${options.join(", ")} });`,
    );
  }
  return lines;
}

function describeCustomColumns(schema: Schema): string {
  const custom = tablesInOrder(schema).flatMap((t) => t.columns.filter((c) => c.custom).map((c) => `${t.table}.${c.column}`));
  return custom.length ? ` Custom columns: ${custom.join(", ")}.` : "";
}

/** Renders the migration that creates every Auth.js table of `schema`, custom columns included. */
export function renderInitialMigration(schema: Schema): string {
  const tables = tablesInOrder(schema);
  const up = tables.flatMap((table, i) => (i === 0 ? renderCreateTable(table) : ["", ...renderCreateTable(table)]));
  const down = [...tables].reverse().map((table) => `${INDENT}await queryInterface.dropTable(${JSON.stringify(table.table)});`);
  const names = tables.map((t) => t.table).join(", ");
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
  return renderTemplate("authdb.config.js", { migrationsDir: JSON.stringify(migrationsDir.split(path.sep).join("/")) });
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
