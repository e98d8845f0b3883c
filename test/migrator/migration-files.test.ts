/**
 * Issue 7 items 16 and 17: every migration file in the folder runs or is refused by name (ESM, TypeScript,
 * .cjs), load errors name the line and column, and messages fit the situation (in-memory migrate after a
 * config change, a fractional --lock-timeout, a connection killed mid-migration).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { createSequelize } from "../../src/database";
import { AuthdbError, ExitCode } from "../../src/errors";
import { migrate } from "../../src/migrator/migrate";
import { createTempDir, pgQuery } from "../helpers/databases";
import { DIALECTS, EXACT_TEXT, EXPIRY_INDEXES, INITIAL, STACK_FRAME, createProject, fixture, listTables, recordedNames, waitFor, type TestProject } from "./support";

const sqlite = DIALECTS.find((d) => d.dialect === "sqlite")!;
const postgres = DIALECTS.find((d) => d.dialect === "postgres")!;

const table = (name: string) => `await queryInterface.createTable("${name}", { id: { type: Sequelize.INTEGER, primaryKey: true, allowNull: false } });`;

describe("migration files", () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());
  const write = (name: string, source: string) => writeFileSync(path.join(project.migrationsDir, name), source);

  test("ESM (.mjs, default or named exports), TypeScript (.ts) and .cjs files all run, in name order", async () => {
    project = await createProject("files_kinds", sqlite);
    write("20261124000001-esm-default.mjs", `export default { async up(queryInterface, Sequelize) { ${table("from_mjs_default")} }, async down(queryInterface) { await queryInterface.dropTable("from_mjs_default"); } };\n`);
    write("20261124000002-esm-named.mjs", `export async function up(queryInterface, Sequelize) { ${table("from_mjs_named")} }\nexport async function down(queryInterface) { await queryInterface.dropTable("from_mjs_named"); }\n`);
    write(
      "20261124000003-typed.ts",
      `import type { QueryInterface } from "sequelize";\nexport default {\n  async up(queryInterface: QueryInterface, Sequelize: any): Promise<void> { ${table("from_ts")} },\n  async down(queryInterface: QueryInterface): Promise<void> { await queryInterface.dropTable("from_ts"); },\n};\n`,
    );
    write("20261124000004-common.cjs", `module.exports = { async up(queryInterface, Sequelize) { ${table("from_cjs")} }, async down(queryInterface) { await queryInterface.dropTable("from_cjs"); } };\n`);
    write("20261124000005-esm-in.js", `export default { async up(queryInterface, Sequelize) { ${table("from_esm_js")} }, async down(queryInterface) { await queryInterface.dropTable("from_esm_js"); } };\n`);
    write("20261124000003-typed.d.ts", "export {};\n");

    const result = await project.authdb(["migrate"]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/Applied 8 migrations/);
    const tables = await listTables(project.db.url);
    for (const name of ["from_mjs_default", "from_mjs_named", "from_ts", "from_cjs", "from_esm_js"]) expect(tables).toContain(name);
    // And each one reverts with its own down().
    expect((await project.authdb(["down", "--step", "5"])).code).toBe(0);
    expect(await listTables(project.db.url)).not.toContain("from_mjs_default");
  });

  test('in a "type": "module" project, the CommonJS .js files authdb init writes still run', async () => {
    project = await createProject("files_type_module", sqlite);
    writeFileSync(path.join(project.dir, "package.json"), JSON.stringify({ name: "app", type: "module" }));
    const result = await project.authdb(["migrate"]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
  });

  test("a .sql file named like a migration is refused by name, exit 2, nothing applied", async () => {
    project = await createProject("files_sql", sqlite);
    write("20261124000001-add-index.sql", "CREATE INDEX x ON users (name);\n");
    const result = await project.authdb(["migrate"]);
    expect(result.code).toBe(ExitCode.invalidInput);
    expect(result.stderr).toMatch(/Error: 20261124000001-add-index\.sql in .* looks like a migration, but authdb runs only \.js, \.cjs, \.mjs, \.ts, \.mts and \.cts files/);
    expect((await recordedNames(project.db.url)).meta).toEqual([]);
  });

  test.each([
    ["a .js file", "20261124000001-broken.js", "module.exports = {\n  async up(queryInterface) {\n    await queryInterface.foo(;\n  },\n};\n", /at line 3, column \d+/],
    ["a .ts file", "20261124000001-broken.ts", "export default {\n  async up(queryInterface: any) {\n    await queryInterface.foo(;\n  },\n};\n", /at line 3, column \d+/],
  ])("a syntax error in %s names the line and column", async (_what, name, source, where) => {
    project = await createProject("files_syntax", sqlite);
    write(name, source);
    const result = await project.authdb(["migrate"]);
    expect(result.code).toBe(ExitCode.migrationFailed);
    expect(result.stderr).toMatch(new RegExp(`${name.replace(".", "\\.")} \\(up\\) failed: cannot be loaded: .*`));
    expect(result.stderr).toMatch(where);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  test("--lock-timeout 0.5 says 0.5 s", async () => {
    project = await createProject("files_lock_timeout", sqlite, [fixture.sleeps]);
    const holder = project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "4000" });
    await waitFor(async () => JSON.parse((await project.authdb(["status", "--json"])).stdout).data.lock.held === true, 20_000, "the lock");
    const waiter = await project.authdb(["migrate", "--lock-timeout", "0.5"]);
    expect(waiter.code).toBe(ExitCode.lockTimeout);
    expect(waiter.stderr).toMatch(/gave up after 0\.5 s waiting for the migration lock/);
    expect((await holder).code).toBe(0);
  });

  test("a connection killed during a migration is reported as a lost connection, not as a broken migration", async () => {
    project = await createProject("files_killed", postgres, [fixture.sleeps]);
    const run = project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "6000" });
    const inTransaction = () =>
      // Open for over a second: the sleeping migration's transaction, not the initial one's between two statements.
      pgQuery<{ pid: number }>(
        project.db.url,
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND now() - xact_start > interval '1 second'",
      );
    await waitFor(async () => (await inTransaction()).length > 0, 20_000, "the migration's transaction");
    for (const { pid } of await inTransaction()) await pgQuery(project.db.url, "SELECT pg_terminate_backend($1)", [pid]);
    const result = await run;
    expect(result.code).toBe(ExitCode.migrationFailed);
    expect(result.stderr).toMatch(new RegExp(`Error: lost the database connection while ${fixture.sleeps} \\(up\\) ran`));
    expect(result.stderr).toMatch(/Hint: The server rolled the migration's transaction back/);
    expect(result.stderr).not.toMatch(/Fix it and run again/);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
  });
});

describe("a stalled migration, through the API", () => {
  test("is reported, and its late statements are refused: nothing runs after the run gave up on it", async () => {
    const { dir, cleanup } = createTempDir("stalled_api");
    const sequelize = createSequelize(`sqlite:${path.join(dir, "app.sqlite")}`);
    try {
      writeFileSync(
        path.join(dir, "20261124000000-wakes-late.js"),
        `module.exports = { transaction: false, async up(queryInterface, Sequelize) {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  ${table("after_stall")}
}, async down() {} };\n`,
      );
      await expect(migrate(sequelize, { migrationsDir: dir }, { stallTimeoutMs: 400 })).rejects.toThrow(/20261124000000-wakes-late\.js \(up\) stalled/);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await sequelize.getQueryInterface().tableExists("after_stall")).toBe(false);
    } finally {
      await sequelize.close();
      cleanup();
    }
  });
});

describe("migrate(sequelize, config) in memory after the config changed", () => {
  test("says what differs and what to do, without the file-oriented hints", async () => {
    const sequelize = createSequelize("sqlite::memory:");
    try {
      await migrate(sequelize, {});
      const error = await migrate(sequelize, { extend: { User: { phoneNumber: "STRING" } } }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthdbError);
      const { message, hint } = error as AuthdbError;
      expect(message).toMatch(/this database already has the Auth\.js tables, created from a different config/);
      expect(message).toMatch(/phone_number/);
      expect(`${message} ${hint}`).not.toMatch(/--allow-changed|git checkout/);
      expect(hint).toMatch(/fresh database/);
      expect(hint).toMatch(/authdb create/);
    } finally {
      await sequelize.close();
    }
  });
});
