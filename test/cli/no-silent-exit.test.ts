/**
 * Issue 7 items 1, 2 and 13: the CLI never exits 0 without having finished, never prints a stack for a user
 * situation (a closed pipe, a long name), and read-only commands never create a SQLite file.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import path from "node:path";
import { ExitCode } from "../../src/errors";
import { AUTHDB_BIN, runAuthdb } from "../helpers/cli";
import { createPostgresDatabase, createTempDir, type TestDatabase } from "../helpers/databases";
import { EXACT_TEXT, EXPIRY_INDEXES, INITIAL, STACK_FRAME, listTables, recordedNames } from "../migrator/support";

const NEVER_SETTLES = `module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable("stuck", { id: { type: Sequelize.INTEGER, primaryKey: true, allowNull: false } });
    await new Promise(() => {});
  },
  async down() {},
};
`;

describe("no silent success", () => {
  let temp: { dir: string; cleanup(): void };
  const run = (args: string[], env: Record<string, string | undefined> = {}) =>
    runAuthdb(args, { cwd: temp.dir, env: { CI: undefined, NODE_ENV: undefined, DATABASE_URL: undefined, ...env } });

  beforeEach(() => (temp = createTempDir("silent")));
  afterEach(() => temp.cleanup());

  describe.each([["status", "--check"], ["migrate"], ["check"], ["down"], ["status", "--json"]])("authdb %s %s --url sqlite:<a directory>", (...args) => {
    test("exits 2 with a message, never 0 with nothing", async () => {
      await run(["init"]);
      const folder = path.join(temp.dir, "a-folder");
      mkdirSync(folder);
      const result = await run([...args.filter(Boolean), "--url", `sqlite:${folder}`]);
      expect(result.code).toBe(ExitCode.invalidInput);
      expect(result.stderr).toMatch(new RegExp(`^Error: .*${folder.replace(/[/\\]/g, ".")}`, "m"));
      expect(result.stderr).not.toMatch(STACK_FRAME);
      if (args.includes("--json")) expect(JSON.parse(result.stdout).error.exitCode).toBe(ExitCode.invalidInput);
    });
  });

  test("a migration whose up() never settles on SQLite: exit 1 naming it; it stays pending", async () => {
    await run(["init"]);
    writeFileSync(path.join(temp.dir, "migrations", "20261124000000-never-settles.js"), NEVER_SETTLES);
    const url = `sqlite:${path.join(temp.dir, "app.sqlite")}`;
    const result = await run(["migrate", "--url", url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Error: authdb stopped before the command finished: it was waiting on 20261124000000-never-settles\.js's up\(\)/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(await recordedNames(url)).toEqual({ meta: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT], checksums: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT] });
    expect(await listTables(url)).not.toContain("stuck");
    // The lock it left names a process that is gone: the next run is not blocked by it.
    const status = await run(["status", "--json", "--url", url]);
    expect(JSON.parse(status.stdout).data).toMatchObject({ pending: ["20261124000000-never-settles.js"], lock: { held: false } });
  });

  test("a config that exports a never-settling Promise: exit 1 naming the config", async () => {
    writeFileSync(path.join(temp.dir, "authdb.config.js"), "module.exports = new Promise(() => {});\n");
    const result = await run(["status", "--url", "sqlite::memory:"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/waiting on the config file .*authdb\.config\.js/);
  });

  test("authdb status | head -1: no EPIPE stack", async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn("bash", ["-c", `node "${AUTHDB_BIN}" status --url sqlite::memory: | head -1 >/dev/null; exit \${PIPESTATUS[0]}`], {
        cwd: temp.dir,
        env: { ...process.env, NO_COLOR: "1", CI: "", DATABASE_URL: "" },
      });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  test("create with a 300-character name: exit 2, a plain message, no file", async () => {
    await run(["init"]);
    const result = await run(["create", "a".repeat(300)]);
    expect(result.code).toBe(ExitCode.invalidInput);
    expect(result.stderr).toMatch(/Error: the name gives a \d+-character file name; at most 120 are allowed/);
    expect(result.stderr).not.toMatch(/Unexpected error|ENAMETOOLONG/);
  });

  test("init in a folder it may not write: exit 2 naming the file and the reason", async () => {
    // Root ignores file modes, so make the target a path under a file instead.
    writeFileSync(path.join(temp.dir, "not-a-folder"), "");
    const result = await run(["init", "--migrations-dir", "not-a-folder/migrations"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Error: /);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.stderr).not.toMatch(/Unexpected error/);
  });

  test.each([
    ["status", ExitCode.ok],
    ["check", ExitCode.drift],
  ])("%s on a SQLite file that does not exist reads it as empty and creates neither the file nor its folder", async (command, code) => {
    await run(["init"]);
    const file = path.join(temp.dir, "nonexistent", "dir", "x.sqlite");
    const result = await run([command, "--url", `sqlite:${file}`]);
    expect(result.code).toBe(code);
    expect(result.stdout).toMatch(/the file does not exist yet, so it reads as empty/);
    expect(result.stdout).toMatch(/pending +20261123000000-authdb-initial\.js/);
    expect(existsSync(path.join(temp.dir, "nonexistent"))).toBe(false);
  });
});

describe("a migration that never settles on PostgreSQL", () => {
  let temp: { dir: string; cleanup(): void };
  let db: TestDatabase;
  beforeAll(async () => {
    temp = createTempDir("stall");
    db = await createPostgresDatabase("stall");
  });
  afterAll(async () => {
    await db.drop();
    temp.cleanup();
  });

  test("fails after --stall-timeout with exit 1, rolled back, still pending", async () => {
    await runAuthdb(["init"], { cwd: temp.dir });
    writeFileSync(path.join(temp.dir, "migrations", "20261124000000-never-settles.js"), NEVER_SETTLES);
    const started = Date.now();
    const result = await runAuthdb(["migrate", "--url", db.url, "--stall-timeout", "1.5"], { cwd: temp.dir, env: { CI: undefined, DATABASE_URL: undefined } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Error: 20261124000000-never-settles\.js \(up\) stalled: its up\(\) has not finished and has run no SQL statement for 1\.5 s/);
    expect(result.stderr).toMatch(/Hint: .*--stall-timeout/);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await recordedNames(db.url)).toEqual({ meta: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT], checksums: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT] });
    expect(await listTables(db.url)).not.toContain("stuck");
  });
});
