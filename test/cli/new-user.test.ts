import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Database } from "sqlite3";
import { INITIAL_MIGRATION_NAME } from "../../src/migrations/renderMigration";
import { runAuthdb } from "../helpers/cli";
import { createMariaDatabase, createPostgresDatabase, createTempDir, mysqlQuery, pgQuery, type TestDatabase } from "../helpers/databases";

/** The path of a new user: init, add a custom column to the config, generate, migrate, status, down. */

const EXPIRY_INDEXES = "20261123000001-authdb-expiry-indexes.js";
const EXACT_TEXT = "20261123000002-authdb-exact-text.js";

function sqliteColumns(file: string, table: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const db = new Database(file);
    db.all(`PRAGMA table_info(${table})`, (error, rows: Array<{ name: string }>) => db.close(() => (error ? reject(error) : resolve(rows.map((r) => r.name)))));
  });
}

interface Target {
  name: string;
  setup(dir: string): Promise<TestDatabase>;
  userColumns(db: TestDatabase): Promise<string[]>;
}

const targets: Target[] = [
  {
    name: "PostgreSQL",
    setup: () => createPostgresDatabase("cli_new_user"),
    userColumns: async (db) =>
      (await pgQuery<{ column_name: string }>(db.url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position")).map((r) => r.column_name),
  },
  {
    name: "SQLite",
    setup: async (dir) => ({ url: `sqlite:${path.join(dir, "app.sqlite")}`, drop: async () => undefined }),
    userColumns: (db) => sqliteColumns(db.url.slice("sqlite:".length), "users"),
  },
  {
    name: "MariaDB",
    setup: () => createMariaDatabase("cli_new_user"),
    userColumns: async (db) =>
      (await mysqlQuery<{ name: string }>(db.url, "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'users' ORDER BY ordinal_position")).map((r) => r.name),
  },
];

describe.each(targets)("a new user on $name", (target) => {
  let tmp: ReturnType<typeof createTempDir>;
  let db: TestDatabase;
  beforeAll(async () => {
    tmp = createTempDir("new-user");
    db = await target.setup(tmp.dir);
  });
  afterAll(async () => {
    await db.drop();
    tmp.cleanup();
  });
  // A developer's machine: not CI, not production (CI would refuse to rewrite the initial migration).
  const run = (...args: string[]) => runAuthdb(args, { cwd: tmp.dir, env: { CI: undefined, NODE_ENV: undefined } });

  test("init writes the config and the initial migration, and says what to do next", async () => {
    const result = await run("init");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Created authdb.config.js");
    expect(result.stdout).toContain(`Created ${path.join("migrations", INITIAL_MIGRATION_NAME)}`);
    expect(result.stdout).toMatch(/Next: .*authdb migrate/);
    expect(readFileSync(path.join(tmp.dir, "authdb.config.js"), "utf8")).toContain(`// phoneNumber: "STRING",`);
  });

  test("init again refuses to overwrite (exit 1) and --force overwrites", async () => {
    const again = await run("init");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; init does not overwrite it/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
    expect((await run("init", "--force")).code).toBe(0);
  });

  test("a phoneNumber added to the config reaches the database through generate and migrate; the initial file is never rewritten", async () => {
    const configFile = path.join(tmp.dir, "authdb.config.js");
    writeFileSync(configFile, readFileSync(configFile, "utf8").replace(`// phoneNumber: "STRING",`, `phoneNumber: "STRING",`));
    const initial = readFileSync(path.join(tmp.dir, "migrations", INITIAL_MIGRATION_NAME), "utf8");
    const generated = await run("generate", "add-phone-number");
    expect(generated.code).toBe(0);
    expect(generated.stdout).toContain("add column users.phone_number (STRING(255))");
    expect(generated.stdout).toMatch(/Next: review the migration, run `npx authdb migrate`/);
    const result = await run("migrate", "--url", db.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`✔ ${INITIAL_MIGRATION_NAME}\\s+\\d+ ms`));
    expect(result.stdout).toMatch(/Applied 4 migrations in [\d.]+ m?s\./);
    expect(await target.userColumns(db)).toEqual(["id", "name", "email", "email_verified", "image", "phone_number"]);
    expect(readFileSync(path.join(tmp.dir, "migrations", INITIAL_MIGRATION_NAME), "utf8")).toBe(initial);
  });

  test("migrate again has nothing to do", async () => {
    const result = await run("migrate", "--url", db.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Already up to date: 4 migrations applied, none pending/);
  });

  test("status --json is one JSON document on stdout", async () => {
    const result = await run("status", "--json", "--url", db.url);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ ok: true, command: "status", error: null, data: { pending: [], lock: { held: false } } });
    const status = doc.data;
    expect(status.applied).toHaveLength(4);
    expect(status.applied[0]).toEqual({ name: INITIAL_MIGRATION_NAME, appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), state: "ok" });
    expect(status.applied.map((m: { state: string }) => m.state)).toEqual(["ok", "ok", "ok", "ok"]);
    expect(result.stderr).toContain("4 applied, 0 pending");
  });

  test("down --to 0 reverts the migrations and drops the tables", async () => {
    // The tables hold no row, so no database needs --accept-data-loss: MariaDB too, where DDL commits
    // implicitly and the check previews the revert's DROPs instead of trying them and rolling back.
    const result = await run("down", "--to", "0", "--url", db.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`reverted ${INITIAL_MIGRATION_NAME}`);
    expect(await target.userColumns(db)).toEqual([]);
    const status = JSON.parse((await run("status", "--json", "--url", db.url)).stdout).data;
    expect(status.pending).toHaveLength(4);
    expect(status.pending.slice(0, 3)).toEqual([INITIAL_MIGRATION_NAME, EXPIRY_INDEXES, EXACT_TEXT]);
  });

  test("status --check --json fails with the pending code and still prints exactly one JSON document", async () => {
    const result = await run("status", "--check", "--json", "--url", db.url);
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, data: { pending: expect.any(Array) }, error: { exitCode: 4 } });
    expect(JSON.parse(result.stdout).data.pending).toHaveLength(4);
    expect(result.stderr).toContain("Error: 4 pending migrations");
  });
});

describe("configs a user may write", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeEach(() => (tmp = createTempDir("config-kinds")));
  afterEach(() => tmp.cleanup());

  test("a TypeScript config with `import { defineConfig } from \"authdb\"` loads without installing anything", async () => {
    writeFileSync(
      path.join(tmp.dir, "authdb.config.ts"),
      [
        `import { defineConfig, type AuthdbConfig } from "authdb";`,
        `const extend: AuthdbConfig["extend"] = { User: { phoneNumber: { type: "STRING", allowNull: true } } };`,
        `export default defineConfig({ migrationsDir: "db/migrations", extend });`,
      ].join("\n"),
    );
    expect((await runAuthdb(["init"], { cwd: tmp.dir })).code).toBe(0);
    const migration = readFileSync(path.join(tmp.dir, "db", "migrations", INITIAL_MIGRATION_NAME), "utf8");
    expect(migration).toContain("phone_number: { type: Sequelize.STRING(255), allowNull: true },");
    const result = await runAuthdb(["migrate"], { cwd: tmp.dir, env: { CI: undefined, NODE_ENV: undefined, DATABASE_URL: undefined } });
    expect(result.code).toBe(0);
    // No URL anywhere, not in CI: the embedded SQLite file in the working directory.
    expect(result.stdout).toContain("sqlite:./authdb.sqlite (from the default)");
    expect(existsSync(path.join(tmp.dir, "authdb.sqlite"))).toBe(true);
    expect(await sqliteColumns(path.join(tmp.dir, "authdb.sqlite"), "users")).toContain("phone_number");
  });

  test("in CI a config ahead of the migrations is warned about (pointing to generate), and the committed files are applied", async () => {
    expect((await runAuthdb(["init"], { cwd: tmp.dir })).code).toBe(0);
    const file = path.join(tmp.dir, "migrations", INITIAL_MIGRATION_NAME);
    const committed = readFileSync(file, "utf8");
    const configFile = path.join(tmp.dir, "authdb.config.js");
    writeFileSync(configFile, readFileSync(configFile, "utf8").replace(`// phoneNumber: "STRING",`, `phoneNumber: "STRING",`));
    const url = `sqlite:${path.join(tmp.dir, "ci.sqlite")}`;
    const result = await runAuthdb(["migrate", "--url", url], { cwd: tmp.dir, env: { CI: "true" } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning the config has 1 change that no migration holds yet \(add column users\.phone_number \(STRING\(255\)\)\): run `npx authdb generate`/);
    expect(readFileSync(file, "utf8")).toBe(committed);
    expect(await sqliteColumns(path.join(tmp.dir, "ci.sqlite"), "users")).not.toContain("phone_number");
  });

  test("init --migrations-dir writes the folder into the new config; a different one than an existing config's is refused", async () => {
    const first = await runAuthdb(["init", "--migrations-dir", "db/auth migrations"], { cwd: tmp.dir });
    expect(first.code).toBe(0);
    expect(readFileSync(path.join(tmp.dir, "authdb.config.js"), "utf8")).toContain(`migrationsDir: "db/auth migrations",`);
    expect(existsSync(path.join(tmp.dir, "db", "auth migrations", INITIAL_MIGRATION_NAME))).toBe(true);
    const status = await runAuthdb(["status", "--json", "--url", `sqlite:${path.join(tmp.dir, "s.sqlite")}`], { cwd: tmp.dir });
    expect(JSON.parse(status.stdout).data.pending).toEqual([INITIAL_MIGRATION_NAME, EXPIRY_INDEXES, EXACT_TEXT]);
    const other = await runAuthdb(["init", "--migrations-dir", "elsewhere"], { cwd: tmp.dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--migrations-dir elsewhere differs from migrationsDir in authdb\.config\.js \(db\/auth migrations\)/);
  });

  test("create writes an empty timestamped migration that migrate then applies", async () => {
    expect((await runAuthdb(["init"], { cwd: tmp.dir })).code).toBe(0);
    const created = await runAuthdb(["create", "add audit table"], { cwd: tmp.dir });
    expect(created.stdout).toMatch(/Done in \d+ ms\./);
    expect(created.code).toBe(0);
    const name = /Created migrations\/(\d{14}-add-audit-table\.js)/.exec(created.stdout)?.[1];
    expect(name).toBeDefined();
    const result = await runAuthdb(["migrate", "--url", `sqlite:${path.join(tmp.dir, "x.sqlite")}`, "--json"], { cwd: tmp.dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).data.applied.map((m: { name: string }) => m.name)).toEqual([INITIAL_MIGRATION_NAME, EXPIRY_INDEXES, EXACT_TEXT, name]);
  });
});
