/**
 * Issue 4 point 2: one transaction per migration, its SequelizeMeta and checksum rows in it, for files
 * written the sequelize-cli way (no transaction passed). A failure halfway leaves no trace; an opt-out
 * (`transaction = false`) keeps what ran before the failure, as documented.
 */
import { Sequelize } from "sequelize";
import { createSequelize } from "../../src/database";
import { MigrationFailedError } from "../../src/errors";
import { migrate } from "../../src/migrator";
import { mysqlQuery } from "../helpers/databases";
import {
  AUTHJS_TABLES,
  DIALECTS,
  EXACT_TEXT,
  EXPIRY_INDEXES,
  INITIAL,
  MARIADB,
  STACK_FRAME,
  createProject,
  fixture,
  listColumns,
  listTables,
  recordedNames,
  writeMigration,
  type TestProject,
} from "./support";

const DATABASE_ERROR = { postgres: /relation "no_such_table" does not exist/, sqlite: /SQLITE_ERROR: no such table: no_such_table/ };

describe.each(DIALECTS)("per-migration transaction on $dialect", (dialect) => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  test("a sequelize-cli style migration failing after two statements leaves no table, no column, no meta row", async () => {
    project = await createProject(`tx_fail_${dialect.dialect}`, dialect, [fixture.extraOne, fixture.failsHalfway]);
    const result = await project.authdb(["migrate"]);

    expect(result.code).toBe(1);
    // The migrations before it are applied and reported; the failing one is named with the database's own words.
    expect(result.stdout).toContain(`✔ ${INITIAL}`);
    expect(result.stdout).toContain(`✔ ${EXPIRY_INDEXES}`);
    expect(result.stdout).toContain(`✔ ${fixture.extraOne}`);
    expect(result.stderr).toContain(`Error: ${fixture.failsHalfway} (up) failed:`);
    expect(result.stderr).toMatch(DATABASE_ERROR[dialect.dialect]);
    expect(result.stderr).toContain("statement: SELECT * FROM no_such_table");
    expect(result.stderr).toMatch(/Hint: The migration ran in a transaction that was rolled back: nothing of it remains/);
    expect(result.stderr).not.toMatch(STACK_FRAME);

    // Observed from outside authdb: createTable + addColumn were rolled back with the failure.
    const tables = await listTables(project.db.url);
    expect(tables).not.toContain("t1");
    for (const table of [...AUTHJS_TABLES, "extra_one"]) expect(tables).toContain(table);
    const applied = [INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne];
    expect(await recordedNames(project.db.url)).toEqual({ meta: applied, checksums: applied });

    // status lists it as pending; fixing the file and running again applies it.
    const status = JSON.parse((await project.authdb(["status", "--json"])).stdout).data;
    expect(status.pending).toEqual([fixture.failsHalfway]);
    expect(status.lock).toEqual({ held: false });
  });

  test("a failing migration in --json mode: one error document on stdout, exit 1", async () => {
    project = await createProject(`tx_json_${dialect.dialect}`, dialect, [fixture.failsHalfway]);
    const result = await project.authdb(["migrate", "--json"]);
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.error).toMatchObject({ type: "MigrationFailedError", exitCode: 1 });
    expect(doc.error.message).toContain(fixture.failsHalfway);
    expect(doc.error.message).toMatch(DATABASE_ERROR[dialect.dialect]);
  });

  test("transaction = false: the statement before the failure remains (documented), no meta row", async () => {
    project = await createProject(`tx_optout_${dialect.dialect}`, dialect, [fixture.noTransactionFails]);
    const result = await project.authdb(["migrate"]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: ${fixture.noTransactionFails} (up) failed:`);
    expect(result.stderr).toMatch(DATABASE_ERROR[dialect.dialect]);
    // Exactly what stays, numbered, then the failing statement.
    expect(result.stderr).toMatch(/It ran without a transaction and stopped partway\. Took effect \(they remain\):\n  1\. CREATE TABLE IF NOT EXISTS [`"]t2[`"] [^\n]*\nFailed:\n  2\. SELECT \* FROM no_such_table\nNot run: the rest of up\(\)\./);
    expect(result.stderr).toMatch(/Hint: Recorded as failed-partially \(`authdb status` lists it\)\. Undo statement 1 by hand/);
    expect(await listTables(project.db.url)).toContain("t2");
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
    const status = JSON.parse((await project.authdb(["status", "--json"])).stdout).data;
    expect(status.failedPartially).toEqual([
      expect.objectContaining({ name: fixture.noTransactionFails, direction: "up", tookEffect: [expect.stringMatching(/^CREATE TABLE IF NOT EXISTS [`"]t2[`"]/)], failedStatement: "SELECT * FROM no_such_table" }),
    ]);
  });

  test("programmatic migrate() rejects with MigrationFailedError and rolls the migration back", async () => {
    project = await createProject(`tx_api_${dialect.dialect}`, dialect, [fixture.failsHalfway]);
    const sequelize: Sequelize = createSequelize(project.db.url);
    try {
      const failure = migrate(sequelize, { migrationsDir: project.migrationsDir });
      await expect(failure).rejects.toBeInstanceOf(MigrationFailedError);
      await expect(failure).rejects.toMatchObject({ migration: fixture.failsHalfway, direction: "up", exitCode: 1 });
    } finally {
      await sequelize.close();
    }
    expect(await listTables(project.db.url)).not.toContain("t1");
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
  });

  test("each applied migration's statements and its records commit together (addColumn lands in the same run)", async () => {
    project = await createProject(`tx_ok_${dialect.dialect}`, dialect, [fixture.extraOne, fixture.extraTwo]);
    const result = await project.authdb(["migrate"]);
    expect(result.code).toBe(0);
    expect(await listColumns(project.db.url, "extra_one")).toEqual(["id", "label"]);
    // And `down` reverts them in their own transactions, newest first, removing the records with them.
    const down = await project.authdb(["down", "--step", "2"]);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(new RegExp(`reverted ${fixture.extraTwo}[\\s\\S]*reverted ${fixture.extraOne}`));
    expect(await listTables(project.db.url)).not.toContain("extra_one");
    // authdb's own three migrations are older than the fixtures: `--step 2` leaves them applied.
    expect(await recordedNames(project.db.url)).toEqual({ meta: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT], checksums: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT] });
  });

  test("a migration that opens its own transaction joins the migration's: a later failure rolls all of it back", async () => {
    project = await createProject(`tx_nested_fail_${dialect.dialect}`, dialect, [fixture.ownTransactionFails]);
    const result = await project.authdb(["migrate"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(DATABASE_ERROR[dialect.dialect]);
    expect(result.stderr).toMatch(/nothing of it remains/);
    expect(await listTables(project.db.url)).not.toContain("t3");
    expect(await listColumns(project.db.url, "users")).not.toContain("nick");
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
  });

  test("a migration with its own managed and unmanaged transactions applies and reverts", async () => {
    project = await createProject(`tx_nested_ok_${dialect.dialect}`, dialect, [fixture.ownTransaction]);
    const result = await project.authdb(["migrate"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await listColumns(project.db.url, "t4")).toEqual(["id", "label"]);
    // t4 holds the row the migration inserted: dropping it needs the flag (issue 7 item 4).
    expect((await project.authdb(["down"])).code).toBe(1);
    expect((await project.authdb(["down", "--accept-data-loss"])).code).toBe(0);
    expect(await listTables(project.db.url)).not.toContain("t4");
  });
});

/**
 * Issue 11 (plan D9): MySQL/MariaDB commit each DDL statement, so a migration that fails partway leaves
 * what ran before the failure. The run says exactly what (numbered), records it in
 * authdb_partial_migrations for `status`, and a run of the fixed migration clears the record.
 */
describe("partial migrations on mariadb (no transactional DDL)", () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  /** The fixed fails-halfway: tolerates the table and column its failed run left, and no longer fails. */
  const FIXED = `"use strict";
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable("t1", { id: { type: Sequelize.INTEGER, primaryKey: true, allowNull: false } });
    const columns = await queryInterface.describeTable("t1");
    if (!columns.note) await queryInterface.addColumn("t1", "note", { type: Sequelize.STRING(40), allowNull: true });
  },
  async down(queryInterface) {
    await queryInterface.dropTable("t1");
  },
};
`;
  const partialRows = () => mysqlQuery<{ name: string }>(project.db.url, "SELECT name FROM authdb_partial_migrations");

  test("a migration whose 3rd statement fails: statements 1–2 listed as in effect, status shows failed-partially, a fixed re-run clears it", async () => {
    project = await createProject("partial_mariadb", MARIADB, [fixture.extraOne, fixture.failsHalfway]);
    const database = new URL(project.db.url).pathname.slice(1);
    const result = await project.authdb(["migrate"]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`✔ ${fixture.extraOne}`);
    expect(result.stderr).toContain(`Error: ${fixture.failsHalfway} (up) failed: Table '${database}.no_such_table' doesn't exist`);
    const report = /Took effect \(they remain\):\n((?: {2}\d+\. .*\n)*)Failed:\n {2}3\. SELECT \* FROM no_such_table\nNot run: the rest of up\(\)\./.exec(result.stderr);
    expect(report).not.toBeNull();
    expect(report![1]!.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^ {2}1\. CREATE TABLE IF NOT EXISTS `t1` /),
      expect.stringMatching(/^ {2}2\. ALTER TABLE `t1` ADD `note` VARCHAR\(40\)/),
    ]);
    expect(result.stderr).toMatch(/Hint: Recorded as failed-partially \(`authdb status` lists it\)\. Undo statements 1–2 by hand, or make the migration skip what already exists/);
    // No more "check the schema (authdb check)": check is refused on MySQL.
    expect(result.stderr).not.toMatch(/authdb check/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    // Seen from outside: both statements stayed; the migration is not recorded as applied.
    expect(await listColumns(project.db.url, "t1")).toEqual(["id", "note"]);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne]);

    const text = await project.authdb(["status"]);
    expect(text.stdout).toMatch(/failed-partially {2}\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} {2}20261124000002-fails-halfway\.js {2}\(2 of its statements took effect/);
    expect(text.stdout).not.toMatch(/pending .*fails-halfway/);
    const json = await project.authdb(["status", "--json", "--check"]);
    expect(json.code).toBe(4);
    const doc = JSON.parse(json.stdout);
    expect(doc.data.pending).toEqual([fixture.failsHalfway]);
    expect(doc.data.failedPartially).toEqual([
      {
        name: fixture.failsHalfway,
        direction: "up",
        failedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        tookEffect: [expect.stringMatching(/^CREATE TABLE IF NOT EXISTS `t1`/), expect.stringMatching(/^ALTER TABLE `t1` ADD `note`/)],
        failedStatement: "SELECT * FROM no_such_table",
        error: expect.stringMatching(/no_such_table' doesn't exist/),
      },
    ]);
    expect(doc.error).toMatchObject({ exitCode: 4, message: expect.stringMatching(/failed partway/) });

    // Run again unfixed: it fails at the column the first run left. The record keeps both statements.
    const unfixed = await project.authdb(["migrate"]);
    expect(unfixed.code).toBe(1);
    expect(unfixed.stderr).not.toContain("none of its statements had taken effect");
    const still = JSON.parse((await project.authdb(["status", "--json"])).stdout).data.failedPartially;
    expect(still).toEqual([
      expect.objectContaining({ name: fixture.failsHalfway, tookEffect: [expect.stringMatching(/^CREATE TABLE IF NOT EXISTS `t1`/), expect.stringMatching(/^ALTER TABLE `t1` ADD `note`/)] }),
    ]);

    // Fixed so that it tolerates what stayed: the re-run warns, applies it, and forgets the failure.
    writeMigration(project, fixture.failsHalfway, FIXED);
    const rerun = await project.authdb(["migrate"]);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/warning 20261124000002-fails-halfway\.js failed partway in an earlier run \(.*\), after statements 1–2 of its up\(\) took effect; running it again from its first statement/);
    expect(rerun.stdout).toContain(`✔ ${fixture.failsHalfway}`);
    expect(await partialRows()).toEqual([]);
    const after = await project.authdb(["status", "--json", "--check"]);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout).data.failedPartially).toEqual([]);

    // A record the database has outgrown (a run killed between recording the migration and clearing it, or
    // sequelize-cli applying the fixed file): not shown, and the next run drops it.
    await mysqlQuery(
      project.db.url,
      "INSERT INTO authdb_partial_migrations (name, direction, failed_at, took_effect, failed_statement, error) VALUES (?, 'up', NOW(3), '[]', NULL, 'interrupted: stale')",
      [fixture.extraOne],
    );
    expect((await project.authdb(["status", "--check"])).code).toBe(0);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    expect(await partialRows()).toEqual([]);
  });

  test("programmatic migrate() rejects with a MigrationFailedError that carries what took effect", async () => {
    project = await createProject("partial_api_mariadb", MARIADB, [fixture.failsHalfway]);
    const sequelize: Sequelize = createSequelize(project.db.url);
    try {
      const failure = migrate(sequelize, { migrationsDir: project.migrationsDir });
      await expect(failure).rejects.toBeInstanceOf(MigrationFailedError);
      await expect(failure).rejects.toMatchObject({
        name: "MigrationFailedError",
        migration: fixture.failsHalfway,
        tookEffect: [expect.stringMatching(/^CREATE TABLE/), expect.stringMatching(/^ALTER TABLE/)],
        failedStatement: "SELECT * FROM no_such_table",
      });
    } finally {
      await sequelize.close();
    }
    expect(await partialRows()).toEqual([{ name: fixture.failsHalfway }]);
  });

  test("statements of a transaction the migration rolled back are not listed; what it sent outside one is", async () => {
    const ROLLS_BACK = "20261125000002-rolls-back-then-fails.js";
    project = await createProject("partial_tx_mariadb", MARIADB);
    writeMigration(
      project,
      ROLLS_BACK,
      `"use strict";
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable("t5", { id: { type: Sequelize.INTEGER, primaryKey: true, allowNull: false } });
    await queryInterface.sequelize
      .transaction(async (transaction) => {
        await queryInterface.bulkInsert("t5", [{ id: 1 }], { transaction });
        throw new Error("roll this back");
      })
      .catch(() => undefined);
    await queryInterface.bulkInsert("t5", [{ id: 2 }]);
    await queryInterface.sequelize.query("SELECT * FROM no_such_table");
  },
  async down(queryInterface) {
    await queryInterface.dropTable("t5");
  },
};
`,
    );
    const result = await project.authdb(["migrate"]);
    expect(result.code).toBe(1);
    const report = /Took effect \(they remain\):\n((?: {2}\d+\. .*\n)*)Failed:\n {2}3\. SELECT \* FROM no_such_table\n/.exec(result.stderr);
    expect(report![1]!.trimEnd().split("\n")).toEqual([expect.stringMatching(/^ {2}1\. CREATE TABLE IF NOT EXISTS `t5`/), expect.stringMatching(/^ {2}2\. INSERT INTO `t5` .*VALUES \(2\)/)]);
    expect(await mysqlQuery(project.db.url, "SELECT id FROM t5")).toEqual([{ id: 2 }]);
  });
});
