/**
 * Issue 4 point 1: several `authdb migrate` processes started together (real processes, real race) on an
 * empty database; the lock is visible in `status --json`; a waiter gives up with exit code 3.
 */
import { runAuthdb } from "../helpers/cli";
import { MARIADB_ADMIN_URL, mysqlQuery } from "../helpers/databases";
import { AUTHJS_TABLES, DIALECTS, EXACT_TEXT, EXPIRY_INDEXES, INITIAL, MARIADB, STACK_FRAME, createProject, fixture, listTables, recordedNames, sleep, waitFor, type TestProject } from "./support";

describe.each(DIALECTS)("migration lock on $dialect", (dialect) => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  test("8 migrate processes at once: all exit 0, each migration applied exactly once", async () => {
    project = await createProject(`race_${dialect.dialect}`, dialect, [fixture.extraOne, fixture.extraTwo]);
    const results = await Promise.all(Array.from({ length: 8 }, () => project.authdb(["migrate"])));

    for (const result of results) expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    // The lock covers the whole run: one process applies all four (authdb's two, the two fixtures), the
    // others find nothing left. The second of authdb's runs outside a transaction (CREATE INDEX
    // CONCURRENTLY on PostgreSQL), so this also proves the lock holds across a non-transactional step.
    const appliers = results.filter((r) => /Applied 5 migrations/.test(r.stdout));
    const upToDate = results.filter((r) => /Already up to date: 5 migrations applied, none pending/.test(r.stdout));
    expect([appliers.length, upToDate.length]).toEqual([1, 7]);

    const expected = [INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne, fixture.extraTwo];
    expect(await recordedNames(project.db.url)).toEqual({ meta: expected, checksums: expected });
    const tables = await listTables(project.db.url);
    for (const table of [...AUTHJS_TABLES, "extra_one", "extra_two", "SequelizeMeta", "authdb_migrations"]) expect(tables).toContain(table);

    // And the record is what a later run sees: nothing pending, every file unchanged.
    const status = await project.authdb(["status", "--json", "--check"]);
    expect(status.code).toBe(0);
    const doc = JSON.parse(status.stdout).data;
    expect(doc.pending).toEqual([]);
    expect(doc.applied.map((m: { state: string }) => m.state)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(doc.lock).toEqual({ held: false });
  });

  test("status shows who holds the lock; a second migrate with --lock-timeout 1 exits 3 with a plain message", async () => {
    project = await createProject(`held_${dialect.dialect}`, dialect, [fixture.sleeps]);
    const holder = project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "8000" });

    // Poll status until the holder is inside its (sleeping) migration.
    let lock: { held: boolean; pid?: number; host?: string; command?: string; since?: string } = { held: false };
    const deadline = Date.now() + 30_000;
    while (!lock.held && Date.now() < deadline) {
      const status = await project.authdb(["status", "--json"]);
      expect(status.code).toBe(0);
      lock = JSON.parse(status.stdout).data.lock;
      if (!lock.held) await sleep(200);
    }
    expect(lock).toMatchObject({ held: true, command: "migrate", host: require("node:os").hostname() });
    expect(lock.pid).toEqual(expect.any(Number));
    expect(Number.isNaN(Date.parse(lock.since!))).toBe(false);

    const started = Date.now();
    const waiter = await project.authdb(["migrate", "--lock-timeout", "1"]);
    const waited = Date.now() - started;
    expect(waiter.code).toBe(3);
    expect(waiter.stdout).toMatch(/Waiting for the migration lock, held by authdb migrate, pid \d+/);
    expect(waiter.stderr).toMatch(/Error: gave up after 1 s waiting for the migration lock, held by authdb migrate, pid \d+/);
    expect(waiter.stderr).toMatch(/Hint: .*--lock-timeout/);
    expect(waiter.stderr).not.toMatch(STACK_FRAME);
    // The timeout is honoured even while the holder's transaction has the SQLite file's write lock.
    expect(waited).toBeLessThan(5_000);

    const first = await holder;
    expect(first.code).toBe(0);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.sleeps]);
    // The lock was released: status says so, and a new run takes it at once.
    const after = await project.authdb(["status", "--json"]);
    expect(JSON.parse(after.stdout).data.lock).toEqual({ held: false });
    const again = await project.authdb(["migrate", "--lock-timeout", "1"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Already up to date/);
  });

  test("--json: a waiting migrate's timeout is one JSON document on stdout with exit code 3", async () => {
    project = await createProject(`held_json_${dialect.dialect}`, dialect, [fixture.sleeps]);
    const holder = project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "6000" });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const status = await project.authdb(["status", "--json"]);
      if (JSON.parse(status.stdout).data.lock.held || Date.now() > deadline) break;
      await sleep(200);
    }
    const waiter = await project.authdb(["migrate", "--lock-timeout", "0.5", "--json"]);
    expect(waiter.code).toBe(3);
    expect(JSON.parse(waiter.stdout)).toMatchObject({ ok: false, command: "migrate", data: null, error: { type: "LockTimeoutError", exitCode: 3 } });
    expect(waiter.stderr).toMatch(/Waiting for the migration lock/);
    expect((await holder).code).toBe(0);
  });
});

/**
 * Issue 11 (plan D8) on MariaDB: the lock is GET_LOCK on the connection that runs the migrations. Real
 * processes race on one database; `status` sees the lock held even as a user without the PROCESS
 * privilege (which PROCESSLIST needs to show another user's sessions).
 */
describe("migration lock on mariadb", () => {
  let project: TestProject;
  let user: string | undefined;
  afterEach(async () => {
    if (user) await mysqlQuery(MARIADB_ADMIN_URL, `DROP USER IF EXISTS '${user}'@'%'`);
    user = undefined;
    await project?.cleanup();
  });

  test("4 migrate processes at once: one applies, the others wait and report up to date, each migration recorded once", async () => {
    project = await createProject("race_mariadb", MARIADB, [fixture.extraOne, fixture.extraTwo]);
    const results = await Promise.all(Array.from({ length: 4 }, () => project.authdb(["migrate"])));

    for (const result of results) expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    const appliers = results.filter((r) => /Applied 5 migrations/.test(r.stdout));
    const upToDate = results.filter((r) => /Already up to date: 5 migrations applied, none pending/.test(r.stdout));
    expect([appliers.length, upToDate.length]).toEqual([1, 3]);
    // The others started while the lock was held (they said so), not after the applier had finished.
    expect(upToDate.filter((r) => /Waiting for the migration lock, held by a session from \S+:\d+/.test(r.stdout)).length).toBeGreaterThan(0);

    const expected = [INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne, fixture.extraTwo];
    expect(await recordedNames(project.db.url)).toEqual({ meta: expected, checksums: expected });
    const status = JSON.parse((await project.authdb(["status", "--json", "--check"])).stdout).data;
    expect({ pending: status.pending, lock: status.lock }).toEqual({ pending: [], lock: { held: false } });
  });

  test("status sees the lock held, by root and by a user without the PROCESS privilege", async () => {
    project = await createProject("held_mariadb", MARIADB, [fixture.sleeps]);
    const database = new URL(project.db.url).pathname.slice(1);
    user = `authdb_np_${database.slice(-8)}`;
    await mysqlQuery(MARIADB_ADMIN_URL, `CREATE USER '${user}'@'%' IDENTIFIED BY 'secret'`);
    await mysqlQuery(MARIADB_ADMIN_URL, `GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${user}'@'%'`);
    const userUrl = new URL(project.db.url);
    userUrl.username = user;
    userUrl.password = "secret";
    const holder = project.authdb(["migrate"], { AUTHDB_TEST_SLEEP_MS: "6000" });
    await waitFor(async () => (await listTables(project.db.url)).includes("slow"), 30_000, "the holder to enter its migration");
    // Without PROCESS, PROCESSLIST shows this user its own sessions only: not the holder's.
    const othersSeen = `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER <> '${user}'`;
    expect(await mysqlQuery(userUrl.toString(), othersSeen)).toEqual([{ n: 0 }]);
    expect(Number((await mysqlQuery<{ n: number }>(project.db.url, othersSeen))[0]!.n)).toBeGreaterThan(0);

    const asRoot = JSON.parse((await project.authdb(["status", "--json"])).stdout).data.lock;
    expect(asRoot).toMatchObject({ held: true, host: expect.stringMatching(/^\S+:\d+$/) });
    // As the unprivileged user (its --url comes last, so it wins over the project's).
    const asUser = await runAuthdb(["status", "--json", "--url", userUrl.toString()], { cwd: project.dir, env: { CI: undefined, DATABASE_URL: undefined } });
    expect(asUser.code).toBe(0);
    expect(JSON.parse(asUser.stdout).data.lock).toEqual({ held: true, pid: null, host: null, command: null, since: null });
    const text = await runAuthdb(["status", "--url", userUrl.toString()], { cwd: project.dir, env: { CI: undefined, DATABASE_URL: undefined } });
    expect(text.stdout).toMatch(/Lock: held by another process\./);

    expect((await holder).code).toBe(0);
    expect(JSON.parse((await project.authdb(["status", "--json"])).stdout).data.lock).toEqual({ held: false });
  });
});
