/**
 * Issue 4 point 1: several `authdb migrate` processes started together (real processes, real race) on an
 * empty database; the lock is visible in `status --json`; a waiter gives up with exit code 3.
 */
import { AUTHJS_TABLES, DIALECTS, EXPIRY_INDEXES, INITIAL, STACK_FRAME, createProject, fixture, listTables, recordedNames, sleep, type TestProject } from "./support";

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
    const appliers = results.filter((r) => /Applied 4 migrations/.test(r.stdout));
    const upToDate = results.filter((r) => /Already up to date: 4 migrations applied, none pending/.test(r.stdout));
    expect([appliers.length, upToDate.length]).toEqual([1, 7]);

    const expected = [INITIAL, EXPIRY_INDEXES, fixture.extraOne, fixture.extraTwo];
    expect(await recordedNames(project.db.url)).toEqual({ meta: expected, checksums: expected });
    const tables = await listTables(project.db.url);
    for (const table of [...AUTHJS_TABLES, "extra_one", "extra_two", "SequelizeMeta", "authdb_migrations"]) expect(tables).toContain(table);

    // And the record is what a later run sees: nothing pending, every file unchanged.
    const status = await project.authdb(["status", "--json", "--check"]);
    expect(status.code).toBe(0);
    const doc = JSON.parse(status.stdout).data;
    expect(doc.pending).toEqual([]);
    expect(doc.applied.map((m: { state: string }) => m.state)).toEqual(["ok", "ok", "ok", "ok"]);
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
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, fixture.sleeps]);
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
