/**
 * Issue 8 item 5: authdb and sequelize-cli on one database and one migrations folder. sequelize-cli's history
 * variants (timestamps, a custom table name and schema, `.sequelizerc` paths) are read and written as
 * sequelize-cli keeps them; a project's own sequelize-cli migrations run beside ours; rows another
 * migrations folder applied can be declared foreign (foreignMigrations) without turning edit detection off.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runAuthdb } from "../helpers/cli";
import { createPostgresDatabase, createTempDir, pgQuery, type TestDatabase } from "../helpers/databases";
import { DIALECTS, INITIAL, STACK_FRAME, createProject, fixture, listTables, outsideExecute, outsideQuery, recordedNames, type TestProject } from "../migrator/support";

const SEQUELIZE_CLI = require.resolve("sequelize-cli/lib/sequelize");
const OUR_MIGRATIONS = path.join(__dirname, "..", "..", "migrations");
/** The migration files in a folder, in name order (authdb's default set may grow: never hard-code it). */
const migrationFiles = (dir: string) => readdirSync(dir).filter((name) => /\.c?js$/.test(name)).sort();

/** sequelize-cli as a user runs it; NODE_ENV unset so it reads the "development" section of its config. */
function sequelizeCli(args: string[], cwd: string) {
  const env = { ...process.env };
  delete env.NODE_ENV;
  const result = spawnSync(process.execPath, [SEQUELIZE_CLI, ...args], { cwd, encoding: "utf8", env });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

/** A migration as people write them for sequelize-cli (its `migration:generate` skeleton, filled in). */
const sequelizeCliMigration = (up: string, down: string) => `'use strict';

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up (queryInterface, Sequelize) {
    ${up}
  },

  async down (queryInterface, Sequelize) {
    ${down}
  }
};
`;

const CREATE_ORDERS = sequelizeCliMigration(
  `await queryInterface.createTable('orders', {
      id: { allowNull: false, autoIncrement: true, primaryKey: true, type: Sequelize.INTEGER },
      total: { type: Sequelize.DECIMAL(10, 2) },
      createdAt: { allowNull: false, type: Sequelize.DATE },
      updatedAt: { allowNull: false, type: Sequelize.DATE }
    });`,
  `await queryInterface.dropTable('orders');`,
);
const ADD_ORDER_NOTE = sequelizeCliMigration(`await queryInterface.addColumn('orders', 'note', { type: Sequelize.STRING });`, `await queryInterface.removeColumn('orders', 'note');`);

const tableExists = async (url: string, schema: string, table: string) =>
  (await pgQuery(url, "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2", [schema, table])).length === 1;

describe("sequelize-cli side by side on PostgreSQL", () => {
  let tmp: ReturnType<typeof createTempDir>;
  let db: TestDatabase;
  beforeEach(async () => {
    tmp = createTempDir("sequelize-side");
    db = await createPostgresDatabase("sequelize_side");
  });
  afterEach(async () => {
    await db.drop();
    tmp.cleanup();
  });

  const authdb = (args: string[]) => runAuthdb([...args, "--url", db.url], { cwd: tmp.dir, env: { CI: undefined, DATABASE_URL: undefined } });

  test("timestamps, a custom table name and schema, .sequelizerc paths: both tools read and write one history", async () => {
    // A sequelize-cli project: .sequelizerc points at db/config.js and db/migrations.
    const migrationsDir = path.join(tmp.dir, "db", "migrations");
    cpSync(OUR_MIGRATIONS, migrationsDir, { recursive: true });
    writeFileSync(
      path.join(tmp.dir, ".sequelizerc"),
      `const path = require('path');\nmodule.exports = { config: path.resolve('db', 'config.js'), 'migrations-path': path.resolve('db', 'migrations') };\n`,
    );
    const storage = { migrationStorageTableName: "sequelize_history", migrationStorageTableSchema: "history" };
    writeFileSync(
      path.join(tmp.dir, "db", "config.js"),
      `module.exports = { development: ${JSON.stringify({ url: db.url, dialect: "postgres", ...storage, migrationTimestamps: true })} };\n`,
    );
    // authdb's config names the same table; the folder comes from .sequelizerc.
    writeFileSync(path.join(tmp.dir, "authdb.config.js"), `module.exports = ${JSON.stringify(storage)};\n`);

    const first = sequelizeCli(["db:migrate"], tmp.dir);
    expect(first.out).toContain("20261123000000-authdb-initial: migrated");
    expect(first.code).toBe(0);
    // sequelize-cli's timestamps: NOT NULL, no default. authdb's INSERT must fill them.
    const columns = await pgQuery<{ column_name: string; is_nullable: string; column_default: string | null }>(
      db.url,
      "SELECT column_name, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'history' AND table_name = 'sequelize_history' ORDER BY column_name",
    );
    expect(columns).toEqual([
      { column_name: "createdAt", is_nullable: "NO", column_default: null },
      { column_name: "name", is_nullable: "NO", column_default: null },
      { column_name: "updatedAt", is_nullable: "NO", column_default: null },
    ]);

    // authdb sees what sequelize-cli applied, in that table, with the time from createdAt.
    const status = await authdb(["status"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Migrations: ${path.join("db", "migrations")} (from .sequelizerc)`);
    expect(status.stdout).toMatch(new RegExp(`applied  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ${INITIAL}  \\(applied by another tool: no checksum\\)`));
    const statusJson = JSON.parse((await authdb(["status", "--json"])).stdout).data;
    expect(statusJson.migrationsDir).toBe(migrationsDir);
    const ours = migrationFiles(migrationsDir);
    expect(ours).toContain(INITIAL);
    expect(statusJson.applied).toEqual(ours.map((name) => ({ name, appliedAt: expect.stringMatching(/^\d{4}-/), state: "no-checksum" })));

    // A project migration, applied by authdb into the same history.
    const orders = "20270101000000-create-orders.js";
    writeFileSync(path.join(migrationsDir, orders), CREATE_ORDERS);
    const migrate = await authdb(["migrate"]);
    expect(migrate.stderr).toBe("");
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain(`✔ ${orders}`);
    const rows = await pgQuery<{ name: string; createdAt: Date; updatedAt: Date }>(db.url, `SELECT name, "createdAt", "updatedAt" FROM history.sequelize_history ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual([...ours, orders]);
    const mine = rows.find((r) => r.name === orders)!;
    expect(mine.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(mine.updatedAt.getTime() - Date.now())).toBeLessThan(5 * 60_000);
    // No second history: the checksums sit beside the configured table, and no default SequelizeMeta appeared.
    expect(await tableExists(db.url, "history", "authdb_migrations")).toBe(true);
    expect(await pgQuery(db.url, "SELECT 1 FROM pg_class WHERE relname IN ('SequelizeMeta', 'authdb_migrations') AND relnamespace <> 'history'::regnamespace")).toEqual([]);
    expect(await tableExists(db.url, "public", "orders")).toBe(true);
    // The configured history table is bookkeeping, not drift.
    expect((await authdb(["check", "--strict"])).stdout).not.toContain("sequelize_history");

    // sequelize-cli shows what authdb applied, and undoes it.
    const cliStatus = sequelizeCli(["db:migrate:status"], tmp.dir);
    expect(cliStatus.out).toContain(`up ${INITIAL}`);
    expect(cliStatus.out).toContain(`up ${orders}`);
    const undo = sequelizeCli(["db:migrate:undo"], tmp.dir);
    expect(undo.out).toContain("20270101000000-create-orders: reverted");
    expect(undo.code).toBe(0);
    expect(await tableExists(db.url, "public", "orders")).toBe(false);
    const after = JSON.parse((await authdb(["status", "--json"])).stdout).data;
    expect(after.pending).toEqual([orders]);
    // And authdb applies it again over sequelize-cli's undo (its stale checksum row is replaced).
    expect((await authdb(["migrate"])).code).toBe(0);
    expect((await authdb(["status", "--check"])).code).toBe(0);
  });

  test("authdb created SequelizeMeta; sequelize-cli adds timestamps to it; authdb then fills them", async () => {
    cpSync(OUR_MIGRATIONS, path.join(tmp.dir, "migrations"), { recursive: true });
    expect((await authdb(["migrate"])).code).toBe(0);
    const convert = sequelizeCli(["db:migrate:schema:timestamps:add", "--url", db.url], tmp.dir);
    expect(convert.out).toContain("Successfully added timestamps to MetaTable.");
    writeFileSync(path.join(tmp.dir, "migrations", "20270101000000-create-orders.js"), CREATE_ORDERS);

    const migrate = await authdb(["migrate"]);
    expect(migrate.stderr).toBe("");
    expect(migrate.code).toBe(0);
    const rows = await pgQuery<{ name: string; createdAt: Date | null }>(db.url, `SELECT name, "createdAt" FROM "SequelizeMeta" ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual([...migrationFiles(OUR_MIGRATIONS), "20270101000000-create-orders.js"]);
    expect(rows.every((r) => r.createdAt instanceof Date)).toBe(true);
    const cliStatus = sequelizeCli(["db:migrate:status", "--url", db.url], tmp.dir);
    expect(cliStatus.out).toContain("up 20270101000000-create-orders.js");
  });

  test("a project's own sequelize-cli migrations in our folder: authdb runs them in name order; sequelize-cli undoes them", async () => {
    const migrationsDir = path.join(tmp.dir, "migrations");
    cpSync(OUR_MIGRATIONS, migrationsDir, { recursive: true });
    // One sorts before authdb's initial migration, one after it.
    writeFileSync(path.join(migrationsDir, "20200101000000-create-orders.js"), CREATE_ORDERS);
    writeFileSync(path.join(migrationsDir, "20270101000000-add-order-note.js"), ADD_ORDER_NOTE);
    const names = migrationFiles(migrationsDir);
    expect(names[0]).toBe("20200101000000-create-orders.js");
    expect(names[1]).toBe(INITIAL);
    expect(names[names.length - 1]).toBe("20270101000000-add-order-note.js");

    const migrate = await authdb(["migrate"]);
    expect(migrate.code).toBe(0);
    const order = names.map((name) => migrate.stdout.indexOf(`✔ ${name}`));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    const cliStatus = sequelizeCli(["db:migrate:status", "--url", db.url], tmp.dir);
    for (const name of names) expect(cliStatus.out).toContain(`up ${name}`);

    // sequelize-cli undoes the newest (a hand-written one); authdb sees it pending and applies it again.
    const undo = sequelizeCli(["db:migrate:undo", "--url", db.url], tmp.dir);
    expect(undo.code).toBe(0);
    expect(await pgQuery(db.url, "SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'")).toEqual([]);
    expect(JSON.parse((await authdb(["status", "--json"])).stdout).data.pending).toEqual(["20270101000000-add-order-note.js"]);
    expect((await authdb(["migrate"])).code).toBe(0);

    // And all of it, ours included, newest first.
    const undoAll = sequelizeCli(["db:migrate:undo:all", "--url", db.url], tmp.dir);
    expect(undoAll.code).toBe(0);
    expect(await tableExists(db.url, "public", "orders")).toBe(false);
    expect(await tableExists(db.url, "public", "users")).toBe(false);
    expect(await pgQuery(db.url, `SELECT name FROM "SequelizeMeta"`)).toEqual([]);
    expect(JSON.parse((await authdb(["status", "--json"])).stdout).data.pending).toEqual(names);
  });

  test("init in a sequelize-cli project writes into the .sequelizerc folder and names it in the config", async () => {
    writeFileSync(path.join(tmp.dir, ".sequelizerc"), `module.exports = { 'migrations-path': 'database/migrations' };\n`);
    const init = await runAuthdb(["init"], { cwd: tmp.dir });
    expect(init.code).toBe(0);
    expect(readdirSync(path.join(tmp.dir, "database", "migrations"))).toContain(INITIAL);
    expect(existsSync(path.join(tmp.dir, "migrations"))).toBe(false);
    // The config names the folder, so every later command (and a later change to .sequelizerc) agrees.
    expect(readFileSync(path.join(tmp.dir, "authdb.config.js"), "utf8")).toContain('migrationsDir: "database/migrations"');
    const migrate = await authdb(["migrate"]);
    expect(migrate.code).toBe(0);
    expect(sequelizeCli(["db:migrate:status", "--url", db.url], tmp.dir).out).toContain(`up ${INITIAL}`);
  });
});

describe("config and .sequelizerc mistakes", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeEach(() => (tmp = createTempDir("sequelize-side-config")));
  afterEach(() => tmp.cleanup());

  const statusWith = (config: Record<string, unknown>) => {
    writeFileSync(path.join(tmp.dir, "authdb.config.json"), JSON.stringify(config));
    return runAuthdb(["status", "--url", `sqlite:${path.join(tmp.dir, "x.sqlite")}`], { cwd: tmp.dir });
  };

  test.each([
    [{ migrationStorageTableName: "sequelize-meta" }, /migrationStorageTableName: "sequelize-meta" may only contain letters, digits and underscores/],
    [{ migrationStorageTableName: "authdb_migrations" }, /migrationStorageTableName: "authdb_migrations" is a table authdb keeps itself/],
    [{ migrationStorageTableSchema: "pg_meta" }, /migrationStorageTableSchema: "pg_meta" starts with "pg_"/],
    [{ foreignMigrations: ["*"] }, /foreignMigrations\[0\]: "\*" matches every name/],
    [{ foreignMigrations: ["2019*", "other/2020*"] }, /foreignMigrations\[1\]: "other\/2020\*" contains a path separator/],
    [{ foreignMigrations: "2019*" }, /foreignMigrations: /],
  ])("%j is exit 2 naming the field", async (config, message) => {
    const result = await statusWith(config);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  test("a .sequelizerc that throws or sets a non-string migrations-path is exit 2 naming the file", async () => {
    writeFileSync(path.join(tmp.dir, ".sequelizerc"), "throw new Error('boom');\n");
    const broken = await runAuthdb(["status", "--url", "sqlite::memory:"], { cwd: tmp.dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/\.sequelizerc cannot be loaded: boom/);
    writeFileSync(path.join(tmp.dir, ".sequelizerc"), "module.exports = { 'migrations-path': 42 };\n");
    const wrong = await runAuthdb(["status", "--url", "sqlite::memory:"], { cwd: tmp.dir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/"migrations-path" must be a folder path, got 42/);
    expect(wrong.stderr).not.toMatch(STACK_FRAME);
  });

  test("migrationsDir in the authdb config wins over .sequelizerc", async () => {
    writeFileSync(path.join(tmp.dir, ".sequelizerc"), "module.exports = { 'migrations-path': 'db/migrations' };\n");
    const result = await statusWith({ migrationsDir: "authdb-migrations" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Migrations: authdb-migrations\n");
  });
});

describe.each(DIALECTS)("foreign rows on $dialect", (dialect) => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  const BILLING = "20190301000000-billing-create-invoices.js";
  const LEGACY = "legacy-seed-plans.js";

  beforeEach(async () => {
    project = await createProject(`foreign_${dialect.dialect}`, dialect, [fixture.extraOne]);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    // Another service's migrations folder recorded its own rows in the shared SequelizeMeta.
    await outsideExecute(project.db.url, `INSERT INTO "SequelizeMeta" (name) VALUES ('${BILLING}'), ('${LEGACY}')`);
  });

  const configure = (foreignMigrations: string[]) =>
    writeFileSync(path.join(project.dir, "authdb.config.js"), `module.exports = ${JSON.stringify({ migrationsDir: "migrations", foreignMigrations })};\n`);

  test("undeclared, they are missing files (exit 6) and the hint names foreignMigrations", async () => {
    const status = JSON.parse((await project.authdb(["status", "--json"])).stdout).data;
    expect(status.applied).toContainEqual(expect.objectContaining({ name: BILLING, state: "missing-file" }));
    const refused = await project.authdb(["migrate"]);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain(`${BILLING}: applied, but the file is missing`);
    expect(refused.stderr).toContain(`foreignMigrations: ["${BILLING}", "${LEGACY}"]`);
    const gate = await project.authdb(["status", "--check"]);
    expect(gate.code).toBe(6);
    expect(gate.stderr).toMatch(/foreignMigrations/);
  });

  test("declared: shown as foreign, never block migrate or down, never reverted; our own edits and deletions are still caught", async () => {
    // "*-extra-one.js" also matches one of OUR files: a file in our folder is ours, so its edits stay detected.
    configure(["2019*-billing-*", "legacy-*", "*-extra-one.js"]);
    project.addFixture(fixture.extraTwo);

    const human = await project.authdb(["status"]);
    expect(human.stdout).toMatch(new RegExp(`${BILLING}\\s+\\(foreign: matches foreignMigrations "2019\\*-billing-\\*"\\)`));
    const ours = migrationFiles(project.migrationsDir).filter((name) => name !== fixture.extraTwo);
    expect(human.stdout).toContain(`${ours.length + 2} applied (2 of them foreign), 1 pending`);
    const json = JSON.parse((await project.authdb(["status", "--json"])).stdout).data;
    expect(json.applied).toEqual([
      { name: BILLING, appliedAt: null, state: "foreign", foreignPattern: "2019*-billing-*" },
      ...ours.map((name) => expect.objectContaining({ name, state: "ok" })),
      { name: LEGACY, appliedAt: null, state: "foreign", foreignPattern: "legacy-*" },
    ]);
    // Pending (4), not changed (6): the foreign rows are not a mismatch.
    expect((await project.authdb(["status", "--check"])).code).toBe(4);

    const migrate = await project.authdb(["migrate"]);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain(`✔ ${fixture.extraTwo}`);

    // Edit detection of our own files stays on, even for a file whose name matches a pattern.
    appendFileSync(path.join(project.migrationsDir, fixture.extraOne), "// edited\n");
    const edited = await project.authdb(["migrate"]);
    expect(edited.code).toBe(6);
    expect(edited.stderr).toContain(`${fixture.extraOne}: changed since it was applied`);
    expect((await project.authdb(["repair", fixture.extraOne])).code).toBe(0);
    // A deleted file of ours that no pattern matches is still reported.
    const ownFile = path.join(project.migrationsDir, fixture.extraTwo);
    const saved = readFileSync(ownFile, "utf8");
    rmSync(ownFile);
    const deleted = await project.authdb(["status", "--check"]);
    expect(deleted.code).toBe(6);
    expect(deleted.stderr).toContain(fixture.extraTwo);
    mkdirSync(project.migrationsDir, { recursive: true });
    writeFileSync(ownFile, saved);

    // down passes over the foreign rows (LEGACY sorts last) and reverts only ours; their rows stay.
    const down = await project.authdb(["down"]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`reverted ${fixture.extraTwo}`);
    // --accept-data-loss: the tables are empty, and a transaction = false migration cannot be probed.
    const all = await project.authdb(["down", "--to", "0", "--accept-data-loss"]);
    expect(all.code).toBe(0);
    expect((await recordedNames(project.db.url)).meta).toEqual([BILLING, LEGACY]);
    expect((await project.authdb(["status", "--check"])).code).toBe(4);
  });
});

describe.each(DIALECTS)("a custom history table name on $dialect", (dialect) => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  test("migrate records there, check --strict and down's data-loss probe treat it as bookkeeping", async () => {
    project = await createProject(`history_${dialect.dialect}`, dialect, [fixture.extraOne]);
    writeFileSync(path.join(project.dir, "authdb.config.js"), `module.exports = ${JSON.stringify({ migrationsDir: "migrations", migrationStorageTableName: "migration_history" })};\n`);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    const tables = await listTables(project.db.url);
    expect(tables).toContain("migration_history");
    expect(tables).not.toContain("SequelizeMeta");
    const recorded = await outsideQuery<{ name: string }>(project.db.url, "SELECT name FROM migration_history ORDER BY name");
    expect(recorded.map((r) => r.name)).toEqual(migrationFiles(project.migrationsDir));

    // --strict lists every table the schema does not know: the fixture's extra_one, never the history.
    const check = await project.authdb(["check", "--strict"]);
    expect(check.stdout).toContain("table extra_one is not in the schema");
    expect(check.stdout).not.toContain("migration_history");
    // Reverting deletes a history row: bookkeeping, not data the probe may refuse to lose.
    const down = await project.authdb(["down"]);
    expect(down.stderr).toBe("");
    expect(down.code).toBe(0);
    expect(JSON.parse((await project.authdb(["status", "--json"])).stdout).data.pending).toEqual([fixture.extraOne]);
  });
});
