import { widens } from "../../src/baseline/analyzeLayout";
import type { Layout } from "../../src/baseline/layout";
import { renderAdoptionMigration } from "../../src/baseline/renderAdoptionMigration";
import { UnsafeMigrationValueError } from "../../src/migrations/jsLiteral";
import { migrationFromSource } from "../../src/migrator";
import { buildSchema } from "../../src/schema";

// The adoption migration is code rendered partly from what a database's catalog says: every name and type
// must be checked before it is written, and the file must load as the CommonJS module the runner expects.

const initial = buildSchema({ builtinLevel: 1 });

function layoutWith(columnName: string, type = "varchar(255)", index = "accounts_user_id"): Layout {
  const table = { columns: [{ name: columnName, type: { postgres: type }, nullable: true }], primaryKey: [], uniques: [], indexes: [{ name: index, columns: [columnName] }], foreignKeys: [] };
  return { dialect: "postgres", order: ["accounts"], after: { tables: { accounts: { ...table, columns: [{ ...table.columns[0]!, type: { postgres: "text", sqlite: "text" } }] } } }, before: { tables: { accounts: table } }, renames: {} };
}

const render = (layout: Layout, changes = ["accounts.access_token: varchar(255) → text"]) =>
  renderAdoptionMigration({ layout, initial, changes, layoutName: "a test layout" });

test("a rendered adoption migration loads as a sequelize-cli module with up and down", () => {
  const source = render(layoutWith("access_token"));
  const module = migrationFromSource("20261201000000-authdb-adopt-existing-tables.js", source).load();
  expect(typeof module.up).toBe("function");
  expect(typeof module.down).toBe("function");
  expect(source).toContain(" *   - accounts.access_token: varchar(255) → text");
});

test.each([
  ["a column name that is not an identifier", layoutWith('x"); process.exit(1); ("')],
  ["a type that is not a type spelling", layoutWith("access_token", "text); DROP TABLE users; --")],
  ["an index name that is not an identifier", layoutWith("access_token", "varchar(255)", "idx */ require('fs')")],
])("%s is refused before it reaches the file", (_label, layout) => {
  expect(() => render(layout)).toThrow(UnsafeMigrationValueError);
});

test("a change line cannot close the doc comment", () => {
  const source = render(layoutWith("access_token"), ["accounts: rename evil*/index → accounts_user_id"]);
  expect(source).toContain("evil* /index");
  expect(() => migrationFromSource("x.js", source).load()).not.toThrow();
});

test.each([
  ["varchar(255)", "text", true],
  ["varchar(100)", "varchar(255)", true],
  ["integer", "bigint", true],
  ["smallint", "integer", true],
  ["text", "varchar(255)", false],
  ["bigint", "integer", false],
  ["integer", "uuid", false],
  ["timestamptz", "text", false],
  // MySQL/MariaDB spellings: sync() made DATETIME (whole seconds) and INT.
  ["datetime", "datetime(3)", true],
  ["datetime(3)", "datetime", false],
  ["int", "bigint", true],
  ["bigint", "int", false],
  ["datetime", "text", false],
])("widens(%s → %s) is %s: adoption changes a type only when every value fits", (from, to, expected) => {
  expect(widens(from, to)).toBe(expected);
});
