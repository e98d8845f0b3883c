/**
 * Issue 4 point 2: one transaction per migration, its SequelizeMeta and checksum rows in it, for files
 * written the sequelize-cli way (no transaction passed). A failure halfway leaves no trace; an opt-out
 * (`transaction = false`) keeps what ran before the failure, as documented.
 */
import { Sequelize } from "sequelize";
import { createSequelize } from "../../src/database";
import { MigrationFailedError } from "../../src/errors";
import { migrate } from "../../src/migrator";
import { AUTHJS_TABLES, DIALECTS, EXPIRY_INDEXES, INITIAL, STACK_FRAME, createProject, fixture, listColumns, listTables, recordedNames, type TestProject } from "./support";

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
    const applied = [INITIAL, EXPIRY_INDEXES, fixture.extraOne];
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
    expect(result.stderr).toMatch(/Hint: This migration runs without a transaction: check which of its statements took effect/);
    expect(await listTables(project.db.url)).toContain("t2");
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES]);
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
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES]);
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
    // authdb's own two migrations are older than the fixtures: `--step 2` leaves them applied.
    expect(await recordedNames(project.db.url)).toEqual({ meta: [INITIAL, EXPIRY_INDEXES], checksums: [INITIAL, EXPIRY_INDEXES] });
  });

  test("a migration that opens its own transaction joins the migration's: a later failure rolls all of it back", async () => {
    project = await createProject(`tx_nested_fail_${dialect.dialect}`, dialect, [fixture.ownTransactionFails]);
    const result = await project.authdb(["migrate"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(DATABASE_ERROR[dialect.dialect]);
    expect(result.stderr).toMatch(/nothing of it remains/);
    expect(await listTables(project.db.url)).not.toContain("t3");
    expect(await listColumns(project.db.url, "users")).not.toContain("nick");
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES]);
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
