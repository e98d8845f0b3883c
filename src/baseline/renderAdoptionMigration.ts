import { identifierProblem, type Schema, type TableSpec } from "../schema";
import { UnsafeMigrationValueError } from "../migrations/jsLiteral";
import { renderCreateTable } from "../migrations/renderMigration";
import { CONVERGE_RUNTIME } from "./convergeRuntime";
import { EXACT_TEXT_RUNTIME } from "../migrations/exactTextRuntime";
import type { Layout, LayoutTable } from "./layout";

/** What a type looks like in a catalog's normalized spelling: `varchar(255)`, `timestamptz`, `numeric(10,2)`. */
const TYPE_SPELLING = /^[a-z][a-z0-9 ]*(\(\d+(,\d+)?\))?$/;
const ACTIONS = new Set(["CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"]);

function assertIdentifier(name: unknown, where: string): void {
  const problem = typeof name === "string" ? identifierProblem(name) : "is not a string";
  if (problem) throw new UnsafeMigrationValueError(`${where}: ${JSON.stringify(String(name))} cannot be written into a migration: it ${problem}`);
}

/**
 * The layout becomes code in the migration file: every name must be an identifier, every type a plain
 * type spelling, every action one of SQL's, before it is serialized (jsLiteral.ts's rule: data never becomes code).
 */
function assertSafeTable(name: string, table: LayoutTable): void {
  assertIdentifier(name, "table");
  for (const column of table.columns) {
    assertIdentifier(column.name, `${name} column`);
    for (const type of Object.values(column.type)) {
      if (typeof type !== "string" || !TYPE_SPELLING.test(type)) throw new UnsafeMigrationValueError(`${name}.${column.name}: type ${JSON.stringify(type)} cannot be written into a migration`);
    }
  }
  for (const key of [...table.uniques, ...table.indexes]) {
    assertIdentifier(key.name, `${name} index`);
    key.columns.forEach((c) => assertIdentifier(c, `${name} index ${key.name}`));
  }
  table.primaryKey.forEach((c) => assertIdentifier(c, `${name} primary key`));
  for (const key of table.foreignKeys) {
    [...key.columns, key.table, ...key.referencedColumns].forEach((c) => assertIdentifier(c, `${name} foreign key`));
    if (!ACTIONS.has(key.onDelete) || !ACTIONS.has(key.onUpdate)) throw new UnsafeMigrationValueError(`${name}: foreign key action cannot be written into a migration`);
  }
}

function assertSafeLayout(layout: Layout): void {
  for (const [name, table] of [...Object.entries(layout.after.tables), ...Object.entries(layout.before.tables)]) assertSafeTable(name, table);
  layout.order.forEach((t) => assertIdentifier(t, "table"));
  for (const [table, renames] of Object.entries(layout.renames)) {
    assertIdentifier(table, "table");
    for (const [from, to] of Object.entries(renames)) [from, to].forEach((c) => assertIdentifier(c, `${table} rename`));
  }
}

/** JSON is a JavaScript literal; one table per block, one column per line, so a review reads it. */
function renderLayout(layout: Layout): string {
  const line = (value: unknown) => JSON.stringify(value);
  const table = (t: LayoutTable, indent: string) =>
    [
      `{`,
      `${indent}  columns: [`,
      ...t.columns.map((c) => `${indent}    ${line(c)},`),
      `${indent}  ],`,
      `${indent}  primaryKey: ${line(t.primaryKey)},`,
      `${indent}  uniques: ${line(t.uniques)},`,
      `${indent}  indexes: ${line(t.indexes)},`,
      `${indent}  foreignKeys: ${line(t.foreignKeys)},`,
      `${indent}}`,
    ].join("\n");
  const tables = (set: Record<string, LayoutTable>) =>
    Object.entries(set)
      .map(([name, t]) => `      ${name}: ${table(t, "      ")},`)
      .join("\n");
  return [
    `const LAYOUT = {`,
    `  dialect: ${line(layout.dialect)},`,
    `  order: ${line(layout.order)},`,
    `  // authdb's layout: what the initial migration creates for this config.`,
    `  after: {`,
    `    tables: {`,
    tables(layout.after.tables),
    `    },`,
    `  },`,
    `  // The layout baseline found on the adopted database; down() restores it there.`,
    `  before: {`,
    `    tables: {`,
    tables(layout.before.tables),
    `    },`,
    `  },`,
    `  renames: ${line(layout.renames)},`,
    `};`,
  ].join("\n");
}

/** The tables the old layout lacks. */
function missingTables(layout: Layout, initial: Schema): TableSpec[] {
  return Object.values(initial.tables).filter((t) => layout.after.tables[t.table] && !layout.before.tables[t.table]);
}

/** The tables the old layout lacks, created exactly as the initial migration creates them. */
function renderCreators(missing: TableSpec[]): string {
  const creators = missing.map((table) =>
    [`  ${table.table}: async (queryInterface, Sequelize) => {`, ...renderCreateTable(table), `  },`].join("\n"),
  );
  return [`const CREATE = {`, ...creators, `};`].join("\n");
}

/** A line of the doc comment: nothing in it may close the comment. */
const commentLine = (text: string) => ` *   - ${text.replace(/\*\//g, "* /")}`;

export interface AdoptionMigrationOptions {
  layout: Layout;
  /** The schema the initial migration creates (built-in level 1). */
  initial: Schema;
  /** The changes on the adopted database, one line each (analyzeLayout). */
  changes: string[];
  /** What the adopted database was recognised as, for the doc comment. */
  layoutName: string;
}

const DIALECT_NAMES: Record<Layout["dialect"], string> = { postgres: "PostgreSQL", sqlite: "SQLite", mysql: "MySQL/MariaDB" };

/** The follow-up migration `authdb baseline` writes: sequelize-cli style CommonJS, self-contained. */
export function renderAdoptionMigration(options: AdoptionMigrationOptions): string {
  const { layout, initial, changes, layoutName } = options;
  assertSafeLayout(layout);
  const dialect = DIALECT_NAMES[layout.dialect];
  // The exact-text migration (built-in level 3) runs before this file and converts the tables there are;
  // the ones created here get the same exact text (MySQL/MariaDB; elsewhere it does nothing).
  const missing = missingTables(layout, initial);
  const created = missing.map((t) => JSON.stringify(t.table));
  const exactCreated = created.length ? `\n    await exactText(queryInterface, [${created.join(", ")}]);` : "";
  return `'use strict';

/**
 * authdb: converts Auth.js tables in ${layoutName.replace(/\*\//g, "* /")} to authdb's layout, keeping every row.
 *
 * Written by \`authdb baseline\`, which recorded the initial migration as applied on the adopted ${dialect}
 * database without running it. There, up() makes these changes:
${changes.map(commentLine).join("\n")}
 *
 * Each step reads the live table first and changes only what differs, so on a database whose tables the
 * initial migration created (a teammate's fresh one) up() changes nothing. No step deletes a row: a row
 * that a change would not survive (a NULL in a column that becomes NOT NULL, duplicates under a new unique
 * key) stops the migration, naming it. down() restores the layout baseline found, on a ${dialect} database
 * (refusing, in the same way, where a row would not survive it: a value too long for a narrower column, a
 * row in the authenticators table it would drop); on a database of another dialect it does nothing.
 *
 * It is plain sequelize-cli style CommonJS: \`authdb migrate\` runs it inside one transaction, and
 * \`npx sequelize-cli db:migrate\` can run it too. MySQL and MariaDB commit each ALTER TABLE at once, so
 * there a failed run stays half done: each step reads the table again, so running it again continues
 * where it stopped. On SQLite a table rebuild needs foreign keys off (else
 * dropping the old users table would delete every account): authdb migrate switches them off around its
 * transaction; run without a transaction, the file switches them off itself and checks them afterwards.
 * Once it is applied anywhere, do not edit it: authdb records its checksum.
 */
${renderLayout(layout)}

${renderCreators(missing)}

/** @type {import('authdb').Migration} */
module.exports = {
  async up(queryInterface, Sequelize) {
    await converge(queryInterface, Sequelize, LAYOUT, "up", CREATE);${exactCreated}
  },

  async down(queryInterface, Sequelize) {
    await converge(queryInterface, Sequelize, LAYOUT, "down", CREATE);
  },
};
${CONVERGE_RUNTIME}${created.length ? EXACT_TEXT_RUNTIME : ""}`;
}
