/**
 * Issue 7 item 3: the PostgreSQL advisory lock lives on a connection of its own. When that connection dies
 * (an admin's pg_terminate_backend, idle_session_timeout), the run must stop before its next statement,
 * so that a second run that takes the lock over is the only one to finish a migration.
 */
import { pgQuery } from "../helpers/databases";
import { DIALECTS, EXPIRY_INDEXES, INITIAL, STACK_FRAME, createProject, fixture, recordedNames, sleep, waitFor, type TestProject } from "./support";

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
    const applied = [INITIAL, EXPIRY_INDEXES, LOGS_RUN];
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
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, fixture.sleeps]);
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
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES]);
    // Its transaction was rolled back: the next run applies the migration cleanly.
    const second = await project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "0" });
    expect(second.code).toBe(0);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, fixture.sleeps]);
  });
});
