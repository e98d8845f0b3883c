/**
 * Issue 4 points 6 and 8: one exit code per outcome in every command, messages an operator can act on,
 * no stack trace for user mistakes, no colour codes off a TTY or with NO_COLOR.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ExitCode } from "../../src/errors";
import { runAuthdb } from "../helpers/cli";
import { createSqliteDatabase, createTempDir } from "../helpers/databases";
import { ANSI, EXACT_TEXT, EXPIRY_INDEXES, INITIAL, STACK_FRAME } from "../migrator/support";

describe("exit codes and messages", () => {
  let temp: { dir: string; cleanup(): void };
  const run = (args: string[], env: Record<string, string | undefined> = {}) =>
    runAuthdb(args, { cwd: temp.dir, env: { CI: undefined, NODE_ENV: undefined, DATABASE_URL: undefined, ...env } });
  const writeConfig = (text: string) => writeFileSync(path.join(temp.dir, "authdb.config.js"), text);

  beforeEach(() => {
    temp = createTempDir("exit_codes");
  });
  afterEach(() => temp.cleanup());

  test("the documented table", () => {
    expect(ExitCode).toEqual({ ok: 0, migrationFailed: 1, invalidInput: 2, lockTimeout: 3, pending: 4, drift: 5, changedMigration: 6, interrupted: 130, terminated: 143 });
  });

  test("exit 4 from check (pending migrations, nothing else differs) is in the help's exit-code list", async () => {
    const env = { DATABASE_URL: `sqlite:${path.join(temp.dir, "app.sqlite")}` };
    for (const args of [["init"], ["migrate"], ["create", "backfill-nothing"]]) expect((await run(args, env)).code).toBe(0);
    const check = await run(["check"], env);
    expect(check.code).toBe(ExitCode.pending);
    const help = (await run(["--help"])).stdout;
    const line = help.split("\n").findIndex((l) => l.trimStart().startsWith(`${ExitCode.pending}  `));
    expect(help.split("\n").slice(line, line + 2).join(" ")).toMatch(/\bcheck, when the tables already match them, else 5\b/);
  });

  describe.each([
    ["a syntax error", "module.exports = { extend: { User: { phoneNumber: 'STRING' } }, ", /authdb\.config\.js: cannot be loaded/],
    ["an unknown field", "module.exports = { extnd: {} }", /authdb\.config\.js: unknown field "extnd"/],
    ["an unknown type in extend", "module.exports = { extend: { User: { phoneNumber: 'STRNG' } } }", /authdb\.config\.js: extend\.User\.phoneNumber unknown type "STRNG"/],
    ["an invalid column name", "module.exports = { extend: { User: { 'phone-number': 'STRING' } } }", /authdb\.config\.js: extend\.User\.phone-number is not a valid column name/],
    ["an unknown model", "module.exports = { extend: { Usr: { phoneNumber: 'STRING' } } }", /authdb\.config\.js: extend\.Usr: not an Auth\.js model/],
  ])("a config with %s", (_what, source, message) => {
    test.each([["status"], ["migrate"], ["init"]])("%s exits 2 naming the file and the field, without a stack trace", async (command) => {
      writeConfig(source);
      const result = await run([command, "--url", "sqlite::memory:"]);
      expect(result.code).toBe(ExitCode.invalidInput);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/^Error: /m);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    });
  });

  test("a URL with an unknown scheme exits 2", async () => {
    const result = await run(["status", "--url", "foo://x"]);
    expect(result.code).toBe(ExitCode.invalidInput);
    expect(result.stderr).toMatch(/unsupported database URL "foo:\/\/x"/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  test.each([["status"], ["migrate"], ["down"]])("an unreachable database exits 2 from %s: cannot connect, password masked", async (command) => {
    await run(["init"]);
    const result = await run([command, "--url", "postgres://postgres:secret@127.0.0.1:1/x"]);
    expect(result.code).toBe(ExitCode.invalidInput);
    expect(result.stderr).toMatch(/Error: cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x: .*ECONNREFUSED/);
    expect(result.stderr).not.toContain("secret");
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  test.each([["CI", "true"], ["NODE_ENV", "production"]])("%s=%s with no URL exits 2 instead of using ./authdb.sqlite", async (name, value) => {
    await run(["init"]);
    const result = await run(["migrate"], { [name]: value });
    expect(result.code).toBe(ExitCode.invalidInput);
    expect(result.stderr).toMatch(new RegExp(`no database URL given, and with ${name}=${value}`));
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  test("--to with an unknown name exits 2 before touching the database", async () => {
    const db = createSqliteDatabase("exit_to");
    try {
      await run(["init"]);
      const up = await run(["migrate", "--to", "nope.js", "--url", db.url]);
      expect(up.code).toBe(ExitCode.invalidInput);
      expect(up.stderr).toMatch(/Error: no migration named "nope\.js"/);
      const down = await run(["down", "--to", "nope.js", "--url", db.url]);
      expect(down.code).toBe(ExitCode.invalidInput);
      // Nothing was created: not even SequelizeMeta or the lock table.
      const status = JSON.parse((await run(["status", "--json", "--url", db.url])).stdout).data;
      expect(status.applied).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  test.each([
    [["down", "--step", "0"], /argument '0' is invalid/],
    [["down", "--step", "1", "--to", "0"], /--step and --to cannot be used together/],
    [["migrate", "--lock-timeout", "soon"], /argument 'soon' is invalid/],
    [["migrate", "--no-such-option"], /unknown option/],
    [["no-such-command"], /unknown command/],
  ])("bad options %j exit 2", async (args, message) => {
    await run(["init"]);
    const result = await run([...args, "--url", "sqlite::memory:"]);
    expect(result.code).toBe(ExitCode.invalidInput);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  test("init twice exits 1 and leaves the file alone; --force rewrites it, but exits 6 where the database has applied it", async () => {
    expect((await run(["init"])).code).toBe(0);
    const initial = path.join(temp.dir, "migrations", INITIAL);
    writeFileSync(initial, `${readFileSync(initial, "utf8")}// a local edit init must keep\n`);
    const edited = readFileSync(initial, "utf8");
    const again = await run(["init"]);
    expect(again.code).toBe(ExitCode.migrationFailed);
    expect(again.stderr).toMatch(/20261123000000-authdb-initial\.js already exists; init does not overwrite it/);
    // A config change is a new migration (generate); --force is named for the rare re-render, with its limit.
    expect(again.stderr).toMatch(/Hint: .*run `npx authdb generate`.*--force renders the files again, and only where no database has applied them/);
    expect(readFileSync(initial, "utf8")).toBe(edited);
    // No database named (and no ./authdb.sqlite): nothing can have applied the files, so --force rewrites them.
    expect((await run(["init", "--force"])).code).toBe(0);
    expect(readFileSync(initial, "utf8")).not.toBe(edited);

    const db = createSqliteDatabase("exit_force");
    try {
      expect((await run(["migrate", "--url", db.url])).code).toBe(0);
      const rendered = readFileSync(initial, "utf8");
      const refused = await run(["init", "--force", "--url", db.url]);
      expect(refused.code).toBe(ExitCode.changedMigration);
      expect(refused.stderr).toMatch(/init --force does not overwrite an applied migration/);
      expect(refused.stderr).toMatch(/Hint: .*npx authdb generate/);
      expect(refused.stderr).not.toMatch(STACK_FRAME);
      expect(readFileSync(initial, "utf8")).toBe(rendered);
    } finally {
      await db.drop();
    }
  });

  test("status --check: 0 when up to date, 4 when pending", async () => {
    const db = createSqliteDatabase("exit_check");
    try {
      await run(["init"]);
      const pending = await run(["status", "--check", "--url", db.url]);
      expect(pending.code).toBe(ExitCode.pending);
      // authdb's own table set is three migrations: the tables, the expiry indexes prune relies on, exact text on MySQL.
      expect(pending.stderr).toContain(`3 pending migrations: ${INITIAL}, ${EXPIRY_INDEXES}, ${EXACT_TEXT}`);
      expect((await run(["migrate", "--url", db.url])).code).toBe(0);
      expect((await run(["status", "--check", "--url", db.url])).code).toBe(0);
    } finally {
      await db.drop();
    }
  });

  describe("colours", () => {
    test.each([
      ["NO_COLOR=1", { NO_COLOR: "1" }],
      ["a pipe (not a TTY)", { NO_COLOR: undefined, FORCE_COLOR: undefined }],
    ])("with %s, success and failure output has no ANSI escapes", async (_what, env) => {
      const db = createSqliteDatabase("colours");
      try {
        const init = await run(["init"], env);
        const migrate = await run(["migrate", "--url", db.url], env);
        const status = await run(["status", "--url", db.url], env);
        const failure = await run(["status", "--url", "foo://x"], env);
        for (const result of [init, migrate, status, failure]) expect(result.stdout + result.stderr).not.toMatch(ANSI);
        expect(migrate.stdout).toMatch(/✔ 20261123000000-authdb-initial\.js\s+\d+ ms/);
        expect(migrate.stdout).toMatch(/✔ 20261123000001-authdb-expiry-indexes\.js\s+\d+ ms/);
        expect(failure.code).toBe(ExitCode.invalidInput);
      } finally {
        await db.drop();
      }
    });

    test("FORCE_COLOR turns them on (so the test above can see them)", async () => {
      const result = await run(["status", "--url", "foo://x"], { NO_COLOR: undefined, FORCE_COLOR: "1" });
      expect(result.stderr).toMatch(ANSI);
    });
  });
});
