/**
 * Issue 7 item 3: the PostgreSQL advisory lock lives on a connection of its own. When that connection dies
 * (an admin's pg_terminate_backend, idle_session_timeout), the run must stop before its next statement,
 * so that a second run that takes the lock over is the only one to finish a migration.
 */
import { createSequelize } from "../../src/database";
import { migrate } from "../../src/migrator";
import { createMariaDatabase, mysqlQuery, pgQuery, type TestDatabase } from "../helpers/databases";
import {
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
  mysqlLockHolder,
  recordedNames,
  sleep,
  waitFor,
  writeMigration,
  type TestProject,
} from "./support";

const postgres = DIALECTS.find((d) => d.dialect === "postgres")!;
const LOGS_RUN = "20261124000007-no-transaction-logs-run.js";

describe("losing the PostgreSQL migration lock", () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  const lockHolders = (pid?: number) =>
    pgQuery<{ pid: number; application_name: string }>(
      project.db.url,
      `SELECT a.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()${pid ? ` AND a.application_name LIKE 'authdb migrate pid=${pid} %'` : ""}`,
    );

  test("terminating the lock's backend mid-run of a transaction = false migration: the migration completes once, the first run fails", async () => {
    project = await createProject("lock_lost", postgres, [LOGS_RUN]);
    const first = project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "6000" });
    // Wait until the first run sleeps inside the migration (its log table exists), holding the lock.
    await waitFor(async () => (await pgQuery(project.db.url, "SELECT to_regclass('run_log') IS NOT NULL AS ok"))[0]!.ok === true, 20_000, "the first run to enter the migration");
    const [holder] = await lockHolders();
    expect(holder?.application_name).toMatch(/^authdb migrate pid=\d+/);
    await pgQuery(project.db.url, "SELECT pg_terminate_backend($1)", [holder!.pid]);

    // The lock is free now: a second run takes it and applies the migration fully.
    const second = await project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "0" });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(LOGS_RUN);

    const firstResult = await first;
    expect(firstResult.code).toBe(1);
    expect(firstResult.stderr).toMatch(/Error: lost the migration lock \(.*\); this run stopped so that no migration runs twice/);
    expect(firstResult.stderr).not.toMatch(STACK_FRAME);

    // At most once: one row in the log, one record.
    const log = await pgQuery<{ pid: number }>(project.db.url, "SELECT pid FROM run_log");
    expect(log).toHaveLength(1);
    const applied = [INITIAL, EXPIRY_INDEXES, EXACT_TEXT, LOGS_RUN];
    expect(await recordedNames(project.db.url)).toEqual({ meta: applied, checksums: applied });
  });

  test("idle_session_timeout does not end the lock while migrations run on other connections", async () => {
    project = await createProject("lock_idle", postgres, [fixture.sleeps]);
    const database = new URL(project.db.url).pathname.slice(1);
    await pgQuery(project.db.url, `ALTER DATABASE "${database}" SET idle_session_timeout = '1s'`);
    const run = project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "4000" });
    await waitFor(async () => (await lockHolders()).length > 0, 20_000, "the run to take the lock");
    // Well past the timeout, the lock is still held by the same run.
    await sleep(2_500);
    expect((await lockHolders()).map((h) => h.application_name)).toEqual([expect.stringMatching(/^authdb migrate pid=\d+/)]);

    const result = await run;
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.sleeps]);
  });

  test("a transactional migration whose lock is lost mid-run is not recorded, and rolls back", async () => {
    project = await createProject("lock_lost_tx", postgres, [fixture.sleeps]);
    const first = project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "5000" });
    // The sleeping migration's transaction is open (its table is not visible outside it yet), for over a
    // second: not the initial migration's, caught between two statements.
    await waitFor(
      async () => (await pgQuery<{ n: number }>(project.db.url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND now() - xact_start > interval '1 second'"))[0]!.n > 0,
      20_000,
      "the first run to enter the migration",
    );
    const [holder] = await lockHolders();
    await pgQuery(project.db.url, "SELECT pg_terminate_backend($1)", [holder!.pid]);

    // The first run's migration is transactional: it must not record itself without the lock.
    const firstResult = await first;
    expect(firstResult.code).toBe(1);
    expect(firstResult.stderr).toMatch(/lost the migration lock/);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
    // Its transaction was rolled back: the next run applies the migration cleanly.
    const second = await project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "0" });
    expect(second.code).toBe(0);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.sleeps]);
  });
});

/**
 * Issue 11 (plan D8): on MySQL/MariaDB the GET_LOCK lives on the connection that runs the migrations, so
 * a KILL of it stops the run before its next statement. Before, the migrations ran on other pooled
 * connections and the statement after the kill still ran (measured on MariaDB 10.11).
 */
describe("losing the MariaDB migration lock", () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  /** createTable, a pause in the migration's own code (no statement), then addColumn. */
  const PAUSES_BETWEEN = "20261125000000-pauses-between-statements.js";
  const pausesBetween = `"use strict";
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable("killed_one", { id: { type: Sequelize.INTEGER, primaryKey: true, allowNull: false } });
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.AUTHDB_TEST_SLEEP_MS || 3000)));
    await queryInterface.addColumn("killed_one", "late", { type: Sequelize.STRING(20), allowNull: true });
  },
  async down(queryInterface) {
    await queryInterface.dropTable("killed_one");
  },
};
`;

  test("KILL of the lock's connection while a migration pauses between statements: the next statement never runs, exit 1 with a MySQL hint", async () => {
    project = await createProject("lock_kill_mariadb", MARIADB);
    writeMigration(project, PAUSES_BETWEEN, pausesBetween);
    const run = project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "4000" });
    await waitFor(async () => (await listTables(project.db.url)).includes("killed_one"), 30_000, "the run to enter the migration");
    const holder = await mysqlLockHolder(project.db.url);
    expect(holder).toEqual(expect.any(Number));
    await mysqlQuery(project.db.url, `KILL ${holder}`);

    const result = await run;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Error: lost the migration lock \(its connection was closed .*while 20261125000000-pauses-between-statements\.js \(up\) ran\); this run stopped so that no migration runs twice/);
    // What took effect before it stopped is listed, since this run may write nothing more.
    expect(result.stderr).toMatch(/Took effect before it stopped \(they remain\):\n  1\. CREATE TABLE IF NOT EXISTS `killed_one`/);
    expect(result.stderr).toMatch(/Hint: .*wait_timeout/);
    expect(result.stderr).not.toMatch(/idle_session_timeout/);
    expect(result.stderr).not.toMatch(STACK_FRAME);

    // The statement after the pause did not run, and nothing was recorded without the lock.
    expect(await listColumns(project.db.url, "killed_one")).toEqual(["id"]);
    expect(await recordedNames(project.db.url)).toEqual({ meta: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT], checksums: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT] });
    // And the lock is free for the next run.
    expect(await mysqlLockHolder(project.db.url)).toBeNull();
  });

  test("a migration's statements run on the lock's own connection: KILL during one fails it and the run", async () => {
    const SLEEPS_IN_SQL = "20261125000001-sleeps-in-sql.js";
    project = await createProject("lock_kill_stmt_mariadb", MARIADB);
    writeMigration(
      project,
      SLEEPS_IN_SQL,
      `"use strict";
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable("killed_two", { id: { type: Sequelize.INTEGER, primaryKey: true, allowNull: false } });
    // A migration that swallows the failure must not get any further either.
    await queryInterface.sequelize.query("SELECT SLEEP(30) AS slept").catch(() => undefined);
    await queryInterface.addColumn("killed_two", "late", { type: Sequelize.STRING(20), allowNull: true });
  },
  async down(queryInterface) {
    await queryInterface.dropTable("killed_two");
  },
};
`,
    );
    const started = Date.now();
    const run = project.authdb(["migrate"]);
    // The connection holding the lock is the one running the migration's SLEEP (seen from outside).
    let holder: number | null = null;
    await waitFor(
      async () => {
        holder = await mysqlLockHolder(project.db.url);
        const [row] = await mysqlQuery<{ info: string | null }>(project.db.url, "SELECT INFO AS info FROM information_schema.PROCESSLIST WHERE ID = ?", [holder]);
        return /SLEEP\(30\)/.test(row?.info ?? "");
      },
      30_000,
      "the lock's connection to run the migration's SLEEP",
    );
    await mysqlQuery(project.db.url, `KILL ${holder}`);

    const result = await run;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Error: lost the migration lock/);
    expect(result.stderr).toMatch(/Hint: .*wait_timeout/);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(await listColumns(project.db.url, "killed_two")).toEqual(["id"]);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
  });
});

describe("migrate() on MariaDB with an app instance whose pool holds one connection", () => {
  let db: TestDatabase;
  afterEach(async () => db?.drop());

  test("applies the Auth.js tables without waiting for a second connection, and gives the connection back", async () => {
    db = await createMariaDatabase("pool_of_one");
    // acquire: 5 s, so that a run that waits for a second connection fails fast instead of in 60 s.
    const sequelize = createSequelize(db.url, { pool: { max: 1, min: 0, acquire: 5_000 } });
    try {
      const result = await migrate(sequelize, {});
      expect(result.migrations.map((m) => m.name)).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
      // The one connection is back in the app's pool, and the lock is released.
      const [row] = await sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM users", { type: "SELECT" as never });
      expect(Number(row!.n)).toBe(0);
      expect(await mysqlLockHolder(db.url)).toBeNull();
      // A second run takes the lock again on the same single connection and finds nothing to do.
      expect((await migrate(sequelize, {})).migrations).toEqual([]);
    } finally {
      await sequelize.close();
    }
    expect(await recordedNames(db.url)).toEqual({ meta: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT], checksums: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT] });
  });
});
