/**
 * `authdb prune` as an operator runs it: the built CLI in a project folder with a config, against a
 * database migrated by migrate() and filled through the adapter, checked with raw SQL afterwards.
 * Run `npx tsc -p tsconfig.build.json` first (the CLI runs dist/).
 */
import { randomUUID } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { QueryTypes, type Sequelize } from "sequelize";
import { SequelizeAdapter, migrate, type AuthdbConfig } from "../../src";
import { createSequelize } from "../../src/database";
import { runAuthdb, type CliResult } from "../helpers/cli";
import { createPostgresDatabase, createSqliteDatabase, createTempDir, type TestDatabase } from "../helpers/databases";

const HOUR = 3_600_000;
const STACK_FRAME = /^\s+at /m;

/** Custom table names, and a PostgreSQL schema (SQLite ignores it): the CLI must take both from the config file. */
const CONFIG: AuthdbConfig = { schema: "auth", tables: { Session: "auth_sessions", VerificationToken: "auth_tokens" } };

const dialects: Array<[string, (label: string) => Promise<TestDatabase> | TestDatabase, string]> = [
  ["postgres", createPostgresDatabase, `"auth".`],
  ["sqlite", createSqliteDatabase, ""],
];

describe.each(dialects)("authdb prune on %s", (_dialect, createDatabase, qualifier) => {
  let project: { dir: string; cleanup(): void };
  let database: TestDatabase;
  let sequelize: Sequelize;

  const authdb = (args: string[]): Promise<CliResult> =>
    runAuthdb([...args, "--url", database.url], { cwd: project.dir, env: { DATABASE_URL: undefined, CI: undefined } });
  const countRows = async (table: string) =>
    Number((await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${qualifier}${table}`, { type: QueryTypes.SELECT, raw: true }))[0]!.n);

  beforeAll(async () => {
    project = createTempDir("prune-cli");
    writeFileSync(path.join(project.dir, "authdb.config.json"), JSON.stringify(CONFIG));
    database = await createDatabase("prune_cli");
    sequelize = createSequelize(database.url);
    await migrate(sequelize, CONFIG);
    // 7 expired and 2 live rows in each table, written as the app writes them.
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const user = await adapter.createUser({ id: randomUUID(), email: "cli@example.com", emailVerified: null });
    const now = Date.now();
    for (let i = 0; i < 9; i++) {
      const expires = new Date(i < 7 ? now - (i + 1) * HOUR : now + (i + 1) * 24 * HOUR);
      await adapter.createSession({ sessionToken: `session-${i}`, userId: user.id, expires });
      await adapter.createVerificationToken({ identifier: `user-${i}@example.com`, token: `token-${i}`, expires });
    }
  });

  afterAll(async () => {
    await sequelize?.close();
    await database?.drop();
    project?.cleanup();
  });

  test("--dry-run --json counts per table and deletes nothing", async () => {
    const result = await authdb(["prune", "--dry-run", "--batch-size", "3", "--json"]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      command: "prune",
      ok: true,
      data: {
        dryRun: true,
        batchSize: 3,
        tables: { Session: { table: "auth_sessions", rows: 7, batches: 3 }, VerificationToken: { table: "auth_tokens", rows: 7, batches: 3 } },
        rows: 14,
        batches: 6,
      },
    });
    expect(result.stderr).toMatch(/Dry run: 14 expired rows would be removed in 6 batches; nothing changed \(\d+ ms\)/);
    expect(result.stderr).toContain("Next: run `npx authdb prune` to remove them.");
    expect(await countRows("auth_sessions")).toBe(9);
    expect(await countRows("auth_tokens")).toBe(9);
  });

  test("prints rows removed per table, the batches, the time taken and what to do next", async () => {
    const result = await authdb(["prune", "--batch-size", "3"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Database: /);
    expect(result.stdout).toMatch(/expired before \d{4}-\d\d-\d\dT[\d:.]+Z, 3 rows per statement/);
    expect(result.stdout).toMatch(/✔ auth_sessions: 7 removed in 3 batches {2}\d+ ms/);
    expect(result.stdout).toMatch(/✔ auth_tokens: 7 removed in 3 batches {2}\d+ ms/);
    expect(result.stdout).toMatch(/Removed 14 expired rows in 6 batches \(\d+ ms\)\./);
    expect(result.stdout).toContain("Next: run it on a schedule");
    expect(await countRows("auth_sessions")).toBe(2);
    expect(await countRows("auth_tokens")).toBe(2);
  });

  test("--json on a clean database: zero rows, exit 0, one JSON document", async () => {
    const result = await authdb(["prune", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).data).toMatchObject({ dryRun: false, batchSize: 5000, rows: 0, batches: 0, tables: { Session: { rows: 0 } } });
    expect(result.stderr).toContain("No expired rows to remove");
  });

  test.each(["0", "-1", "2.5", "abc", "1e3"])("--batch-size %s is exit 2 with a clear message and no stack", async (value) => {
    const result = await authdb(["prune", "--batch-size", value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`option '--batch-size <rows>' argument '${value}' is invalid. expected a whole number of rows of at least 1`);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(await countRows("auth_sessions")).toBe(2);
  });
});

describe("authdb prune on a database that is not migrated", () => {
  let project: { dir: string; cleanup(): void };
  afterAll(() => project?.cleanup());

  test("exit 4, names the missing tables and points to authdb migrate; a missing SQLite file is not created", async () => {
    project = createTempDir("prune-cli-empty");
    const file = path.join(project.dir, "app.sqlite");
    const result = await runAuthdb(["prune", "--url", `sqlite:${file}`], { cwd: project.dir, env: { DATABASE_URL: undefined, CI: undefined } });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('Error: the database is not migrated: table "users" (User) is missing');
    expect(result.stderr).toContain('table "sessions" (Session) is missing');
    expect(result.stderr).toContain("Hint: Run `npx authdb migrate` first");
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(existsSync(file)).toBe(false);
  });

  test("on PostgreSQL too, with --json giving the error as a document", async () => {
    const database = await createPostgresDatabase("prune_cli_empty");
    try {
      const result = await runAuthdb(["prune", "--json", "--url", database.url], { cwd: project.dir, env: { DATABASE_URL: undefined, CI: undefined } });
      expect(result.code).toBe(4);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, command: "prune", data: null, error: { exitCode: 4, message: expect.stringContaining("not migrated") } });
    } finally {
      await database.drop();
    }
  });
});
