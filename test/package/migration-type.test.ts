import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Layout } from "../../src/baseline/layout";
import { renderAdoptionMigration } from "../../src/baseline/renderAdoptionMigration";
import { renderMigrationSet } from "../../src/migrations/migrationSet";
import { planSchemaChanges } from "../../src/migrations/planSchemaChanges";
import { renderChangeMigration } from "../../src/migrations/renderChangeMigration";
import { renderEmptyMigration } from "../../src/migrations/renderMigration";
import { buildSchema } from "../../src/schema";
import { createTempDir } from "../helpers/databases";

/**
 * Every migration authdb writes names `import('authdb').Migration` in its doc comment: a package the app
 * has (sequelize-cli's type, named before, is in a package most apps lack). With `// @ts-check`, the
 * editor and tsc check each file against it, through the built package as a consumer resolves it.
 * Checked as an editor checks JavaScript by default (not --strict: the adoption migration's helper
 * functions carry no JSDoc types, and noImplicitAny would flag every parameter).
 */
const ROOT = path.join(__dirname, "..", "..");
const TSC = require.resolve("typescript/bin/tsc");
const TYPE_LINE = "@type {import('authdb').Migration}";

function adoptionLayout(): Layout {
  const before = { columns: [{ name: "access_token", type: { postgres: "varchar(255)" }, nullable: true }], primaryKey: [], uniques: [], indexes: [{ name: "accounts_user_id", columns: ["access_token"] }], foreignKeys: [] };
  const after = { ...before, columns: [{ ...before.columns[0]!, type: { postgres: "text", sqlite: "text" } }] };
  return { dialect: "postgres", order: ["accounts"], before: { tables: { accounts: before } }, after: { tables: { accounts: after } }, renames: {} };
}

function renderedMigrations(): Record<string, string> {
  const config = { extend: { User: { phoneNumber: "STRING" as const } } };
  const files: Record<string, string> = {};
  for (const { name, source } of renderMigrationSet(config)) files[name] = source;
  const changed = planSchemaChanges(buildSchema(config), buildSchema({ extend: { User: { phoneNumber: { type: "STRING", length: 40 } } } }));
  files["change.js"] = renderChangeMigration(changed.changes, { description: "phoneNumber narrowed", command: "generate" });
  files["empty.js"] = renderEmptyMigration("20261201000000-backfill");
  files["adoption.js"] = renderAdoptionMigration({ layout: adoptionLayout(), initial: buildSchema({ builtinLevel: 1 }), changes: ["accounts.access_token: varchar(255) → text"], layoutName: "a test layout" });
  return files;
}

describe("the Migration type in generated migration files", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeAll(() => {
    tmp = createTempDir("migration-type");
    mkdirSync(path.join(tmp.dir, "node_modules"));
    symlinkSync(ROOT, path.join(tmp.dir, "node_modules", "authdb"), "dir");
    symlinkSync(path.join(ROOT, "node_modules", "sequelize"), path.join(tmp.dir, "node_modules", "sequelize"), "dir");
    writeFileSync(path.join(tmp.dir, "package.json"), JSON.stringify({ name: "app", private: true }));
  });
  afterAll(() => tmp.cleanup());

  /** tsc's errors for the files, "" when they type-check. */
  const typeErrors = (files: string[]): string => {
    try {
      execFileSync(process.execPath, [TSC, "--noEmit", "--allowJs", "--checkJs", "--skipLibCheck", "--module", "node16", "--moduleResolution", "node16", "--target", "es2022", ...files], { cwd: tmp.dir, encoding: "utf8" });
      return "";
    } catch (error) {
      return String((error as { stdout?: string }).stdout);
    }
  };

  test("every kind of generated file names authdb's type and type-checks against it", () => {
    const files = renderedMigrations();
    for (const [name, source] of Object.entries(files)) {
      expect(source).toContain(TYPE_LINE);
      expect(source).not.toContain("sequelize-cli').Migration");
      writeFileSync(path.join(tmp.dir, name), `// @ts-check\n${source}`);
    }
    expect(typeErrors(Object.keys(files))).toBe("");
  });

  test("the type catches a misspelt queryInterface method and data type", () => {
    writeFileSync(
      path.join(tmp.dir, "wrong.js"),
      `// @ts-check
/** ${TYPE_LINE} */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColum("users", "nickname", { type: Sequelize.STRING });
    await queryInterface.addColumn("users", "nickname", { type: Sequelize.STRNG });
  },
};
`,
    );
    const output = typeErrors(["wrong.js"]);
    expect(output).toMatch(/Property 'addColum' does not exist[^\n]*Did you mean 'addColumn'/);
    expect(output).toMatch(/Property 'STRNG' does not exist/);
  });
});
