/**
 * Issue 7 items 11, 12 and 12b: no output ever holds a password, an empty URL is an error (never a fallback),
 * and a user who gave no URL learns that authdb fell back to the local SQLite file.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SequelizeAdapter } from "../../src/adapter";
import { ExitCode, InvalidInputError } from "../../src/errors";
import { runAuthdb } from "../helpers/cli";
import { POSTGRES_ADMIN_URL, createMariaDatabase, createTempDir, type TestDatabase } from "../helpers/databases";
import { EXACT_TEXT, EXPIRY_INDEXES, INITIAL, STACK_FRAME } from "../migrator/support";

describe("database URLs", () => {
  let temp: { dir: string; cleanup(): void };
  const run = (args: string[], env: Record<string, string | undefined> = {}) =>
    runAuthdb(args, { cwd: temp.dir, env: { CI: undefined, NODE_ENV: undefined, DATABASE_URL: undefined, ...env } });

  beforeEach(() => (temp = createTempDir("urls")));
  afterEach(() => temp.cleanup());

  const server = new URL(POSTGRES_ADMIN_URL);
  const withPassword = (password: string) => `postgres://${server.username || "postgres"}:${password}@${server.host}${server.pathname}`;
  // Unique per run, so a match can only come from this URL; each holds one character that breaks naive masking.
  const passwords = ["/", "@", "%", ":", "#", "?", "%2F"].map((special) => `S3cr${special}et${randomBytes(3).toString("hex")}`);

  test.each(passwords)("password %s: never printed, by status, status --json, migrate --json or a lock holder", async (password) => {
    await run(["init"]);
    const url = withPassword(password);
    const outputs = [
      await run(["status", "--url", url]),
      await run(["status", "--json", "--url", url]),
      await run(["migrate", "--json", "--dry-run", "--url", url]),
      await run(["status"], { DATABASE_URL: url }),
    ];
    for (const result of outputs) {
      const all = result.stdout + result.stderr;
      expect(all).not.toContain(password);
      expect(all).not.toContain(decodeURIComponentSafe(password));
      expect(all).not.toMatch(STACK_FRAME);
      expect(all).not.toMatch(/Unexpected error/);
      expect(all).toMatch(/postgres:\/\/[^:\s]+:\*\*\*@/);
    }
  });

  test("a password in the query string (?password=…) is masked too", async () => {
    await run(["init"]);
    const password = `Qs${randomBytes(4).toString("hex")}`;
    const url = `postgres://${server.username || "postgres"}@127.0.0.1:1${server.pathname}?password=${password}&sslmode=disable`;
    const result = await run(["status", "--json", "--url", url]);
    expect(result.code).toBe(ExitCode.invalidInput);
    expect(result.stdout + result.stderr).not.toContain(password);
    expect(result.stderr).toMatch(/\?password=\*\*\*&sslmode=disable/);
  });

  test.each(["authdb.config.js", "authdb.config.ts"])("%s that throws an error holding some URL's password: masked, in text and in --json", async (name) => {
    const password = `Cf${randomBytes(4).toString("hex")}/x`;
    writeFileSync(path.join(temp.dir, name), `throw new Error("cannot reach postgres://app:${password}@db.internal:5432/auth");\n`);
    for (const result of [await run(["status"]), await run(["status", "--json"])]) {
      expect(result.code).toBe(ExitCode.invalidInput);
      expect(result.stdout + result.stderr).not.toContain(password);
      expect(result.stdout + result.stderr).toContain("postgres://app:***@db.internal:5432/auth");
      expect(result.stderr).not.toMatch(STACK_FRAME);
    }
  });

  test("a password that is also a word (\"name\") does not corrupt --json results", async () => {
    await run(["init"]);
    const result = await run(["status", "--json", "--url", withPassword("name")]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.data.pending).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
    expect(doc.database).toMatch(/:\*\*\*@/);
  });

  test.each([
    ["--url \"\"", ["--url", ""], {}],
    ["--url of spaces", ["--url", "   "], {}],
    ["DATABASE_URL=\"\"", [], { DATABASE_URL: "" }],
  ])("%s is an error (exit 2), not a fallback to ./authdb.sqlite", async (_what, args, env) => {
    await run(["init"]);
    const result = await run(["migrate", ...args], env);
    expect(result.code).toBe(ExitCode.invalidInput);
    expect(result.stderr).toMatch(/Error: (--url|DATABASE_URL) is empty/);
    expect(result.stdout).not.toMatch(/authdb\.sqlite/);
    expect(existsSync(`${temp.dir}/authdb.sqlite`)).toBe(false);
  });

  test("an empty url in the config is an error naming it", async () => {
    writeFileSync(`${temp.dir}/authdb.config.js`, `module.exports = { url: "  " };\n`);
    const result = await run(["status"]);
    expect(result.code).toBe(ExitCode.invalidInput);
    expect(result.stderr).toMatch(/url in the config is empty/);
  });

  test("no URL anywhere: the first line says the default SQLite file is used, and why", async () => {
    await run(["init"]);
    const result = await run(["status"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Database: sqlite:\.\/authdb\.sqlite \(from the default; the file does not exist yet, so it reads as empty\)/m);
  });

  test.each([
    ["undefined", undefined, /SequelizeAdapter received undefined instead of a Sequelize instance or a database URL/],
    ["an empty string", "", /SequelizeAdapter received an empty string/],
    ["{ url: undefined }", { url: undefined }, /SequelizeAdapter received \{ url: undefined \}/],
  ])("SequelizeAdapter(%s) says what it received and points at DATABASE_URL", (_what, client, message) => {
    const create = () => SequelizeAdapter(client as never);
    expect(create).toThrow(InvalidInputError);
    expect(create).toThrow(message);
    try {
      create();
    } catch (error) {
      expect((error as InvalidInputError).hint).toMatch(/DATABASE_URL/);
    }
  });
});

describe("MariaDB URLs: mysql:// and mariadb:// both go through mysql2", () => {
  let temp: { dir: string; cleanup(): void };
  let database: TestDatabase;
  const run = (args: string[]) => runAuthdb(args, { cwd: temp.dir, env: { CI: undefined, NODE_ENV: undefined, DATABASE_URL: undefined } });
  beforeAll(async () => {
    temp = createTempDir("urls-mariadb");
    database = await createMariaDatabase("urls");
  });
  afterAll(async () => {
    await database?.drop();
    temp?.cleanup();
  });

  test("a mariadb:// URL migrates, reports status and serves the adapter without the mariadb package", async () => {
    expect(() => require.resolve("mariadb")).toThrow();
    const url = database.url.replace(/^mysql:/, "mariadb:");
    await run(["init"]);
    const migrate = await run(["migrate", "--url", url]);
    expect(migrate.stderr).not.toContain("npm install mariadb");
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain(`Database: ${url} (from --url)`);
    const status = await run(["status", "--json", "--url", url]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ ok: true, database: url, data: { pending: [] } });
    // The same database through the other scheme: one history.
    expect(JSON.parse((await run(["status", "--json", "--url", database.url])).stdout).data.applied).toHaveLength(3);

    const adapter = SequelizeAdapter(url);
    try {
      const user = await adapter.createUser({ id: randomUUID(), email: "maria@example.com", emailVerified: null });
      expect((await adapter.getUserByEmail("maria@example.com"))?.id).toBe(user.id);
    } finally {
      await adapter.close();
    }
  });

  test("generate --sql mariadb prints the MySQL-family SQL of a change, with no database", async () => {
    writeFileSync(path.join(temp.dir, "authdb.config.js"), 'module.exports = { extend: { User: { phoneNumber: "STRING" } } };\n');
    const result = await run(["generate", "--sql", "mariadb"]);
    expect(result.stderr).not.toContain("npm install");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("ALTER TABLE `users` ADD `phone_number` VARCHAR(255)");
  });
});

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
