/**
 * Issue 4 point 4: `migrate --dry-run` prints the SQL of each pending migration, in order, and leaves the
 * database exactly as it was (not even authdb's own tables); `--json` is one document on stdout.
 */
import { DIALECTS, EXPIRY_INDEXES, INITIAL, createProject, fixture, listTables, recordedNames, type TestProject } from "./support";

/** What a dry run prints for a migration it cannot roll back, so it does not run it at all. */
const SKIPPED = "-- not executed: this migration opts out of transactions (transaction = false), so it cannot be rolled back";

const CREATE_TABLE = { postgres: (t: string) => `CREATE TABLE IF NOT EXISTS "${t}"`, sqlite: (t: string) => `CREATE TABLE IF NOT EXISTS \`${t}\`` };

describe.each(DIALECTS)("dry run on $dialect", (dialect) => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());
  const create = CREATE_TABLE[dialect.dialect];

  test("on an empty database: prints each pending migration's CREATE TABLEs in order, exits 0, creates nothing", async () => {
    project = await createProject(`dry_${dialect.dialect}`, dialect, [fixture.extraOne, fixture.extraTwo]);
    const result = await project.authdb(["migrate", "--dry-run"]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const out = result.stdout;
    const positions = [
      out.indexOf(`-- ${INITIAL}`),
      ...["users", "accounts", "sessions", "verification_tokens", "authenticators"].map((t) => out.indexOf(create(t))),
      out.indexOf(`-- ${EXPIRY_INDEXES}\n${SKIPPED}`),
      out.indexOf(`-- ${fixture.extraOne}`),
      out.indexOf(create("extra_one")),
      out.indexOf(`-- ${fixture.extraTwo}`),
      out.indexOf(create("extra_two")),
    ];
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(out).toMatch(/ALTER TABLE .*extra_one.* ADD .*label/);
    // authdb's expiry-index migration builds its indexes CONCURRENTLY outside a transaction: listed, not run.
    expect(out).not.toMatch(/sessions_expires|verification_tokens_expires/);
    // The count includes the migration listed as not executed, so only the count and the outcome are pinned.
    expect(out).toMatch(/Dry run: 4 pending migrations[^\n]*nothing changed/);
    // authdb's bookkeeping is not part of what the migrations would run.
    expect(out).not.toMatch(/SequelizeMeta|authdb_migrations|authdb_lock|START TRANSACTION|BEGIN|ROLLBACK/);

    // Untouched: no Auth.js table, no SequelizeMeta, no authdb_migrations, no authdb_lock.
    expect(await listTables(project.db.url)).toEqual([]);

    // The real run afterwards applies the same four.
    const real = await project.authdb(["migrate"]);
    expect(real.code).toBe(0);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, fixture.extraOne, fixture.extraTwo]);
  });

  test("--json: one JSON document on stdout with the statements per migration, progress on stderr", async () => {
    project = await createProject(`dry_json_${dialect.dialect}`, dialect, [fixture.extraOne]);
    const result = await project.authdb(["migrate", "--dry-run", "--json"]);

    expect(result.code).toBe(0);
    const envelope = JSON.parse(result.stdout);
    expect(envelope).toMatchObject({ command: "migrate", ok: true, data: { dryRun: true, applied: [] } });
    const doc = envelope.data;
    expect(doc.statements.map((m: { name: string }) => m.name)).toEqual([INITIAL, EXPIRY_INDEXES, fixture.extraOne]);
    expect(doc.statements[0].statements[0]).toContain(create("users"));
    expect(doc.statements[1]).toEqual({ name: EXPIRY_INDEXES, statements: [], skipped: SKIPPED.slice("-- ".length) });
    expect(doc.statements[2].statements).toEqual([expect.stringContaining(create("extra_one"))]);
    expect(result.stderr).toContain("Database:");
    expect(result.stderr).toContain("Dry run:");
    expect(await listTables(project.db.url)).toEqual([]);
  });

  test("after a partial apply: only the pending migrations; the applied state is left exactly as it was", async () => {
    project = await createProject(`dry_partial_${dialect.dialect}`, dialect, [fixture.extraOne]);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    project.addFixture(fixture.extraTwo);
    const before = { tables: await listTables(project.db.url), names: await recordedNames(project.db.url) };

    const result = await project.authdb(["migrate", "--dry-run", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).data.statements.map((m: { name: string }) => m.name)).toEqual([fixture.extraTwo]);
    expect({ tables: await listTables(project.db.url), names: await recordedNames(project.db.url) }).toEqual(before);
    expect(JSON.parse((await project.authdb(["status", "--json"])).stdout).data.pending).toEqual([fixture.extraTwo]);

    // down --dry-run prints the revert and changes nothing either.
    const down = await project.authdb(["down", "--dry-run"]);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/DROP TABLE/);
    expect({ tables: await listTables(project.db.url), names: await recordedNames(project.db.url) }).toEqual(before);
  });

  test("a migration with transaction = false is listed as not executed, not run", async () => {
    project = await createProject(`dry_optout_${dialect.dialect}`, dialect, [fixture.noTransactionFails]);
    const result = await project.authdb(["migrate", "--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`-- ${fixture.noTransactionFails}\n${SKIPPED}`);
    expect(await listTables(project.db.url)).toEqual([]);
  });
});
