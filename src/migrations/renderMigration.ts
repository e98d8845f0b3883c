import path from "node:path";
import { tablesInOrder, type ColumnSpec, type IndexSpec, type Schema, type TableSpec } from "../schema";
import { renderTemplate } from "../templates";
import { BLANK_FINGERPRINT, stampFingerprint } from "./fingerprint";
import { jsIdentifier, jsLiteral, jsTypeName } from "./jsLiteral";
import type { MigrationExtension, ModuleSystem } from "./moduleSystem";

/**
 * The name of the migration that creates the Auth.js tables. It is fixed (not the time of `init`),
 * so the files `authdb init` writes and the set `migrate()` renders in memory record the same
 * SequelizeMeta row, and a database can move from one to the other.
 */
export const INITIAL_MIGRATION_NAME = "20261123000000-authdb-initial.js";

/**
 * The initial migration's file name with the extension of the project's module system (`.cjs` in a
 * `"type": "module"` project, src/migrations/moduleSystem.ts). The in-memory set keeps the `.js` name.
 */
export function initialMigrationName(extension: MigrationExtension = ".js"): string {
  return INITIAL_MIGRATION_NAME.replace(/\.js$/, extension);
}

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

/** `{ type: Sequelize.STRING(255), allowNull: true }`: a column's options object, as createTable and addColumn take it. */
export function renderColumnOptions(table: TableSpec, column: ColumnSpec): string {
  const where = `${table.table}.${column.column}`;
  const parts = [`type: ${renderType(table, column)}`, `allowNull: ${jsLiteral(column.allowNull, "boolean", `${where} allowNull`)}`];
  if (column.primaryKey) parts.push("primaryKey: true");
  if (column.defaultValue !== undefined) parts.push(`defaultValue: ${jsLiteral(column.defaultValue, "scalar", `${where} defaultValue`)}`);
  if (column.references) {
    const { table: target, column: key, onDelete } = column.references;
    parts.push(`references: { model: ${jsLiteral(target, "string", `${where} references`)}, key: ${jsLiteral(key, "string", `${where} references`)} }`);
    parts.push(`onDelete: ${jsLiteral(onDelete, "string", `${where} onDelete`)}`, `onUpdate: "CASCADE"`);
  }
  return `{ ${parts.join(", ")} }`;
}

function renderColumn(table: TableSpec, column: ColumnSpec): string {
  return `${INDENT}  ${jsIdentifier(column.column, `${table.table} column`)}: ${renderColumnOptions(table, column)},`;
}

/** `queryInterface.addIndex(…)` arguments: table, columns, options. */
export function renderIndexArguments(table: TableSpec, index: IndexSpec, extra: string[] = []): string {
  const where = `${table.table} index`;
  const options = [`name: ${jsLiteral(index.name, "string", where)}`];
  if (index.unique) options.push("unique: true");
  options.push(...extra);
  const columns = index.columns.map((c) => jsLiteral(c, "string", where)).join(", ");
  return `${jsLiteral(jsIdentifier(table.table, "table"), "string", "table")}, [${columns}], { ${options.join(", ")} }`;
}

export function renderCreateTable(table: TableSpec): string[] {
  const name = jsLiteral(jsIdentifier(table.table, "table"), "string", "table");
  const lines = [`${INDENT}await queryInterface.createTable(${name}, {`, ...table.columns.map((c) => renderColumn(table, c)), `${INDENT}});`];
  for (const index of table.indexes) lines.push(`${INDENT}await queryInterface.addIndex(${renderIndexArguments(table, index)});`);
  return lines;
}

function describeCustomColumns(schema: Schema): string {
  // Names written into the file's doc comment: identifiers only, so nothing can close the comment.
  const custom = tablesInOrder(schema).flatMap((t) => t.columns.filter((c) => c.custom).map((c) => `${jsIdentifier(t.table, "table")}.${jsIdentifier(c.column, "column")}`));
  return custom.length ? ` Custom columns: ${custom.join(", ")}.` : "";
}

/** Renders the migration that creates every Auth.js table of `schema`, custom columns included. */
export function renderInitialMigration(schema: Schema, template: "initial-migration.js" | "initial-migration-v1.js" = "initial-migration.js"): string {
  const tables = tablesInOrder(schema);
  const up = tables.flatMap((table, i) => (i === 0 ? renderCreateTable(table) : ["", ...renderCreateTable(table)]));
  const down = [...tables].reverse().map((table) => `${INDENT}await queryInterface.dropTable(${jsLiteral(table.table, "string", "table")});`);
  const names = tables.map((t) => jsIdentifier(t.table, "table")).join(", ");
  const text = renderTemplate(template, {
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

/**
 * The config `init` writes; the folder is a JS string literal, with forward slashes on every OS. In a
 * `"type": "module"` project it is an ES module, so the app's `import config from "./authdb.config.js"` works.
 */
export function renderConfigFile(migrationsDir: string, moduleSystem: ModuleSystem = "commonjs"): string {
  const template = moduleSystem === "module" ? "authdb.config.esm.js" : "authdb.config.js";
  return renderTemplate(template, { migrationsDir: jsLiteral(migrationsDir.split(path.sep).join("/"), "string", "migrationsDir") });
}

/** `20261123093015`: UTC, to the second, as sequelize-cli names its files. */
export function migrationTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/**
 * `add phone number` → `20261123093015-add-phone-number.js` (`.cjs` in a `"type": "module"` project);
 * rejects names that would not make a file name.
 */
export function migrationFileName(name: string, date = new Date(), extension: MigrationExtension = ".js"): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!slug) throw new Error(`"${name}" gives an empty file name; use letters and digits, e.g. add-phone-number`);
  return `${migrationTimestamp(date)}-${slug}${extension}`;
}
