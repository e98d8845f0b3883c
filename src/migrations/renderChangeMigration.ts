import type { IndexSpec, TableSpec } from "../schema";
import { renderTemplate } from "../templates";
import { jsIdentifier, jsLiteral } from "./jsLiteral";
import { renderColumnOptions, renderCreateTable, renderIndexArguments } from "./renderMigration";
import type { SchemaChange } from "./schemaChange";
import { EXACT_TEXT_RUNTIME } from "./exactTextRuntime";

const INDENT = "    ";

export interface RenderedStep {
  up: string[];
  down: string[];
}

const name = (value: string, what: string) => jsLiteral(jsIdentifier(value, what), "string", what);
/** A quoted identifier in raw SQL, quoted by the running dialect (the file serves every database). */
const quoted = (value: string, what: string) => `\${queryInterface.quoteIdentifier(${name(value, what)})}`;
const sql = (text: string) => `${INDENT}await queryInterface.sequelize.query(\`${text}\`);`;

/** A table spec with only its name and columns, for the options objects renderColumnOptions writes. */
const tableNamed = (table: string): TableSpec => ({ model: "User", table, columns: [], indexes: [] });

function renameColumnSql(table: string, from: string, to: string): string {
  return sql(`ALTER TABLE ${quoted(table, "table")} RENAME COLUMN ${quoted(from, "column")} TO ${quoted(to, "column")}`);
}

function dropColumnSql(table: string, column: string): string {
  // Sequelize's SQLite removeColumn rebuilds the table and loses its indexes and keys; DROP COLUMN keeps them.
  return sql(`ALTER TABLE ${quoted(table, "table")} DROP COLUMN ${quoted(column, "column")}`);
}

/** PostgreSQL and MySQL rename an index in place; SQLite cannot, so there it is dropped and built again. */
function renameIndexSql(table: string, from: IndexSpec, to: IndexSpec): string[] {
  const spec = tableNamed(table);
  return [
    `${INDENT}switch (queryInterface.sequelize.getDialect()) {`,
    `${INDENT}  case "postgres":`,
    `    ${sql(`ALTER INDEX ${quoted(from.name, "index")} RENAME TO ${quoted(to.name, "index")}`)}`,
    `${INDENT}    break;`,
    `${INDENT}  case "sqlite":`,
    `${INDENT}    await queryInterface.removeIndex(${name(table, "table")}, ${jsLiteral(from.name, "string", "index")});`,
    `${INDENT}    await queryInterface.addIndex(${renderIndexArguments(spec, to)});`,
    `${INDENT}    break;`,
    `${INDENT}  default:`,
    `    ${sql(`ALTER TABLE ${quoted(table, "table")} RENAME INDEX ${quoted(from.name, "index")} TO ${quoted(to.name, "index")}`)}`,
    `${INDENT}}`,
  ];
}

/** One step's statements, up and down; change-column steps are grouped per table by renderChangeSteps. */
export function renderChangeStep(change: SchemaChange): RenderedStep {
  switch (change.kind) {
    case "create-table":
      return { up: renderCreateTable(change.table), down: [`${INDENT}await queryInterface.dropTable(${name(change.table.table, "table")});`] };
    case "drop-table":
      return { up: [`${INDENT}await queryInterface.dropTable(${name(change.table.table, "table")});`], down: renderCreateTable(change.table) };
    case "rename-table":
      return {
        up: [`${INDENT}await queryInterface.renameTable(${name(change.from, "table")}, ${name(change.to, "table")});`],
        down: [`${INDENT}await queryInterface.renameTable(${name(change.to, "table")}, ${name(change.from, "table")});`],
      };
    case "add-column":
      return {
        up: [`${INDENT}await queryInterface.addColumn(${name(change.table, "table")}, ${name(change.column.column, "column")}, ${renderColumnOptions(tableNamed(change.table), change.column)});`],
        down: [dropColumnSql(change.table, change.column.column)],
      };
    case "remove-column":
      return {
        up: [dropColumnSql(change.table, change.column.column)],
        down: [`${INDENT}await queryInterface.addColumn(${name(change.table, "table")}, ${name(change.column.column, "column")}, ${renderColumnOptions(tableNamed(change.table), change.column)});`],
      };
    case "rename-column":
      return { up: [renameColumnSql(change.table, change.from.column, change.to.column)], down: [renameColumnSql(change.table, change.to.column, change.from.column)] };
    case "change-column":
      return {
        up: [`${INDENT}await queryInterface.changeColumn(${name(change.table, "table")}, ${name(change.to.column, "column")}, ${renderColumnOptions(tableNamed(change.table), change.to)});`],
        down: [`${INDENT}await queryInterface.changeColumn(${name(change.table, "table")}, ${name(change.from.column, "column")}, ${renderColumnOptions(tableNamed(change.table), change.from)});`],
      };
    case "add-index": {
      const table = tableNamed(change.table);
      // A CONCURRENTLY build that failed leaves an invalid index of that name behind; a retry replaces it.
      const leftover = change.concurrently
        ? [`${INDENT}if (queryInterface.sequelize.getDialect() === "postgres") {`, `  ${sql(`DROP INDEX CONCURRENTLY IF EXISTS ${quoted(change.index.name, "index")}`)}`, `${INDENT}}`]
        : [];
      return {
        up: [...leftover, `${INDENT}await queryInterface.addIndex(${renderIndexArguments(table, change.index, change.concurrently ? ["concurrently: true"] : [])});`],
        down: [`${INDENT}await queryInterface.removeIndex(${name(change.table, "table")}, ${jsLiteral(change.index.name, "string", "index")});`],
      };
    }
    case "rename-index":
      return { up: renameIndexSql(change.table, change.from, change.to), down: renameIndexSql(change.table, change.to, change.from) };
    case "remove-index":
      return {
        up: [`${INDENT}await queryInterface.removeIndex(${name(change.table, "table")}, ${jsLiteral(change.index.name, "string", "index")});`],
        down: [`${INDENT}await queryInterface.addIndex(${renderIndexArguments(tableNamed(change.table), change.index)});`],
      };
    case "exact-text":
      return renderExactText([change]);
  }
}

type ChangeColumn = Extract<SchemaChange, { kind: "change-column" }>;
type ExactText = Extract<SchemaChange, { kind: "exact-text" }>;

/** One call for all tables: down checks every table's keys before it changes the first. */
function renderExactText(group: ExactText[]): RenderedStep {
  const list = (tables: ExactText[]) => `[${tables.map((c) => name(c.table, "table")).join(", ")}]`;
  return { up: [`${INDENT}await exactText(queryInterface, ${list(group)});`], down: [`${INDENT}await defaultText(queryInterface, ${list([...group].reverse())});`] };
}

/** The SQLite rebuild of a table whose columns change: the table as it is to be, with the indexes it has then. */
function renderSqliteRebuild(table: TableSpec): string {
  const columns = table.columns.map((c) => `${INDENT}    ${jsIdentifier(c.column, "column")}: ${renderColumnOptions(table, c)},`);
  const indexes = table.indexes.map((index) => `${INDENT}    [${renderIndexArguments(table, index).replace(/^[^,]+, /, "")}],`);
  return [`await rebuildSqliteTable(queryInterface, ${name(table.table, "table")}, {`, ...columns, `${INDENT}  }, [`, ...indexes, `${INDENT}  ]);`].join("\n");
}

/** A table's change-column steps: altered in place, or on SQLite rebuilt once with all of them. */
function renderColumnChanges(group: ChangeColumn[], direction: "up" | "down"): string[] {
  const after = group[0].tableAfter;
  const target: TableSpec =
    direction === "up"
      ? after
      : { ...after, columns: after.columns.map((column) => group.find((c) => c.to.column === column.column)?.from ?? column) };
  const inPlace = group.flatMap((change) => renderChangeStep(change)[direction].map((line) => `  ${line}`));
  return [
    `${INDENT}if (queryInterface.sequelize.getDialect() === "sqlite") {`,
    `${INDENT}  ${renderSqliteRebuild(target)}`,
    `${INDENT}} else {`,
    ...inPlace,
    `${INDENT}}`,
  ];
}

/** Every step in order for up, and each step's undo in reverse order for down. */
export function renderChangeSteps(changes: SchemaChange[]): { up: string[]; down: string[]; needsRebuild: boolean } {
  const blocks: RenderedStep[] = [];
  const grouped = new Set<SchemaChange>();
  let needsRebuild = false;
  for (const change of changes) {
    if (grouped.has(change)) continue;
    if (change.kind === "exact-text") {
      const group = changes.filter((c): c is ExactText => c.kind === "exact-text");
      group.forEach((c) => grouped.add(c));
      blocks.push(renderExactText(group));
      continue;
    }
    if (change.kind !== "change-column") {
      blocks.push(renderChangeStep(change));
      continue;
    }
    const group = changes.filter((c): c is ChangeColumn => c.kind === "change-column" && c.table === change.table);
    group.forEach((c) => grouped.add(c));
    needsRebuild = true;
    blocks.push({ up: renderColumnChanges(group, "up"), down: renderColumnChanges([...group].reverse(), "down") });
  }
  return { up: blocks.flatMap((b) => b.up), down: [...blocks].reverse().flatMap((b) => b.down), needsRebuild };
}

const SQLITE_REBUILD = `
/**
 * SQLite cannot alter a column: build the table anew as it is to be, copy the rows, swap it in and
 * re-create its indexes. Foreign keys must be off, or dropping the old table would delete every row that
 * references it (ON DELETE CASCADE): authdb migrate turns them off for its transaction; another runner
 * (sequelize-cli) may not, so they are turned off here and checked before they are turned back on.
 */
async function rebuildSqliteTable(queryInterface, table, columns, indexes) {
  const q = (identifier) => queryInterface.quoteIdentifier(identifier);
  const select = (sql) => queryInterface.sequelize.query(sql, { type: "SELECT" });
  const [{ foreign_keys: enforced }] = await select("PRAGMA foreign_keys");
  if (enforced) {
    await queryInterface.sequelize.query("PRAGMA foreign_keys = OFF");
    const [{ foreign_keys: still }] = await select("PRAGMA foreign_keys");
    if (still) throw new Error(\`rebuilding \${table} needs foreign keys off, and SQLite cannot turn them off inside a transaction; run this migration with authdb migrate\`);
  }
  try {
    const live = Object.keys(await queryInterface.describeTable(table));
    const extra = live.filter((column) => !(column in columns));
    if (extra.length) throw new Error(\`\${table} has columns this migration does not know (\${extra.join(", ")}); rebuilding it would drop them\`);
    const temporary = \`\${table}_authdb_rebuild\`;
    await queryInterface.createTable(temporary, columns);
    const names = Object.keys(columns).map(q).join(", ");
    await queryInterface.sequelize.query(\`INSERT INTO \${q(temporary)} (\${names}) SELECT \${names} FROM \${q(table)}\`);
    await queryInterface.dropTable(table);
    await queryInterface.renameTable(temporary, table);
    for (const [fields, options] of indexes) await queryInterface.addIndex(table, fields, options);
    if (enforced) {
      const broken = await select("PRAGMA foreign_key_check");
      if (broken.length) throw new Error(\`rebuilding \${table} left \${broken.length} row(s) whose foreign key points nowhere\`);
    }
  } finally {
    if (enforced) await queryInterface.sequelize.query("PRAGMA foreign_keys = ON");
  }
}
`;

export interface ChangeMigrationOptions {
  /** One line for the file's doc comment; identifiers only. */
  description: string;
  /** The command that wrote it, named in the doc comment. */
  command: "generate" | "init" | "baseline";
}

/** Whether a set of changes must run outside a transaction: PostgreSQL's CREATE INDEX CONCURRENTLY cannot run in one. */
export function needsNoTransaction(changes: SchemaChange[]): boolean {
  return changes.some((c) => c.kind === "add-index" && c.concurrently);
}

/** A whole sequelize-cli style CommonJS migration file for `changes`. */
export function renderChangeMigration(changes: SchemaChange[], options: ChangeMigrationOptions): string {
  const { up, down, needsRebuild } = renderChangeSteps(changes);
  const outside = needsNoTransaction(changes);
  return renderTemplate("change-migration.js", {
    description: options.description.replace(/\*\//g, "* /"),
    command: options.command,
    transactionNote: outside
      ? "outside a transaction (`transaction: false`), where PostgreSQL builds\n * its indexes CONCURRENTLY, without blocking sign-ins"
      : "inside one transaction",
    options: outside ? "  // CREATE INDEX CONCURRENTLY cannot run inside a transaction.\n  transaction: false,\n\n" : "",
    up: up.join("\n"),
    down: down.join("\n"),
    helpers: [needsRebuild ? SQLITE_REBUILD : "", changes.some((c) => c.kind === "exact-text") ? EXACT_TEXT_RUNTIME : ""].join(""),
  });
}
