import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runAuthdb, type CliResult } from "../helpers/cli";
import { createPostgresDatabase, createSqliteDatabase, createTempDir, sqlQuery, type TestDatabase } from "../helpers/databases";

// `authdb generate` as a team uses it: the config changes, generate writes the migration, every database
// applies the same file, `authdb check` confirms the result, `down` reverts it.

const dialects: Array<[string, (label: string) => Promise<TestDatabase> | TestDatabase]> = [
  ["postgres", createPostgresDatabase],
  ["sqlite", createSqliteDatabase],
];

function writeConfig(dir: string, config: Record<string, unknown>): void {
  writeFileSync(path.join(dir, "authdb.config.js"), `module.exports = ${JSON.stringify({ migrationsDir: "migrations", ...config }, null, 2)};\n`);
}

function migrationFiles(dir: string): string[] {
  return readdirSync(path.join(dir, "migrations")).filter((name) => /^\d{14}-/.test(name)).sort();
}

/** Every file's text: a migrate on any database must leave it exactly as it was. */
function folderContents(dir: string): Record<string, string> {
  const folder = path.join(dir, "migrations");
  return Object.fromEntries(readdirSync(folder).map((name) => [name, readFileSync(path.join(folder, name), "utf8")]));
}

function expectOk(result: CliResult): CliResult {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

describe.each(dialects)("authdb generate on %s", (dialect, createDatabase) => {
  let tmp: ReturnType<typeof createTempDir>;
  let db: TestDatabase;
  const authdb = (...args: string[]) => runAuthdb([...args, "--url", db.url], { cwd: tmp.dir });
  const offline = (...args: string[]) => runAuthdb(args, { cwd: tmp.dir });

  beforeEach(async () => {
    tmp = createTempDir("generate");
    db = await createDatabase("generate");
    writeConfig(tmp.dir, {});
    expectOk(await offline("init"));
    expectOk(await authdb("migrate"));
  });
  afterEach(async () => {
    await db.drop();
    tmp.cleanup();
  });

  test("a column added, widened, renamed with its data, made unique, then removed: each step generated, applied, checked", async () => {
    // Nothing changed yet: generate says so and writes nothing.
    const before = migrationFiles(tmp.dir);
    const none = expectOk(await offline("generate"));
    expect(none.stdout).toContain("No schema changes");
    expect(migrationFiles(tmp.dir)).toEqual(before);

    writeConfig(tmp.dir, { extend: { User: { phone: { type: "STRING", length: 20 } } } });
    // migrate and status say the config is ahead of the migrations; CI's gate fails with exit 4.
    const ahead = await authdb("status");
    expect(ahead.stderr).toContain("no migration holds yet (add column users.phone (STRING(20)))");
    expect(ahead.stderr).toContain("authdb generate");
    const gate = await offline("generate", "--check");
    expect(gate.code).toBe(4);
    expect(migrationFiles(tmp.dir)).toEqual(before);

    const added = expectOk(await offline("generate", "add-phone"));
    expect(added.stdout).toMatch(/Wrote migrations\/\d{14}-add-phone\.js \(1 change\)/);
    expect(migrationFiles(tmp.dir)).toHaveLength(before.length + 1);
    expectOk(await authdb("migrate"));
    expectOk(await authdb("check"));
    const user = "5f1c2b1e-8f0a-4d5e-9a51-0c1d2e3f4a5b";
    await sqlQuery(db.url, "INSERT INTO users (id, email, phone) VALUES ($1, 'ada@example.com', '555-0100')".replace(/\$1/g, dialect === "postgres" ? "$1" : "?"), [user]);

    // A rename is never guessed: the column would be dropped, so generate refuses and shows how to say it.
    writeConfig(tmp.dir, { extend: { User: { phoneNumber: { type: "STRING", length: 40, unique: true } } } });
    const guessed = await offline("generate");
    expect(guessed.code).toBe(2);
    expect(guessed.stderr).toContain("drops column users.phone and every value in it");
    expect(guessed.stderr).toContain("--rename User.phone=phoneNumber");
    expect(migrationFiles(tmp.dir)).toHaveLength(before.length + 1);

    const renamed = expectOk(await offline("generate", "rename-phone", "--rename", "User.phone=phoneNumber"));
    // The unique index is built in a file of its own, outside a transaction (CONCURRENTLY on PostgreSQL).
    expect(renamed.stdout).toMatch(/rename-phone\.js \(2 changes\)/);
    expect(renamed.stdout).toMatch(/rename-phone-indexes\.js \(1 change\)/);
    const indexFile = migrationFiles(tmp.dir).find((name) => name.endsWith("-rename-phone-indexes.js"))!;
    expect(readFileSync(path.join(tmp.dir, "migrations", indexFile), "utf8")).toContain("transaction: false");
    expectOk(await authdb("migrate"));
    expectOk(await authdb("check"));
    expect(await sqlQuery(db.url, "SELECT phone_number FROM users")).toEqual([{ phone_number: "555-0100" }]);

    // down reverts both files; the value goes back to the old column (a rename loses nothing: no flag needed).
    expectOk(await authdb("down", "--step", "2"));
    expect(await sqlQuery(db.url, "SELECT phone FROM users")).toEqual([{ phone: "555-0100" }]);
    expectOk(await authdb("migrate"));

    // Removing it is destructive: refused, then allowed and applied.
    writeConfig(tmp.dir, {});
    const drop = await offline("generate");
    expect(drop.code).toBe(2);
    expect(drop.stderr).toContain("drops column users.phone_number");
    expect(drop.stderr).toContain("drops index users_phone_number_unique");
    expectOk(await offline("generate", "drop-phone", "--allow-destructive"));
    expectOk(await authdb("migrate"));
    expectOk(await authdb("check"));
    expect(await sqlQuery(db.url, "SELECT email FROM users")).toEqual([{ email: "ada@example.com" }]);
    expect(expectOk(await offline("generate")).stdout).toContain("No schema changes");
  });

  test("NOT NULL without a default is refused with the fix; a default, a type change and a renamed table are applied and checked", async () => {
    writeConfig(tmp.dir, { extend: { User: { role: { type: "STRING", allowNull: false } } } });
    const refused = await offline("generate");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("adds users.role as NOT NULL without a default");
    expect(refused.stderr).toContain("give extend.User.role a defaultValue");

    await sqlQuery(db.url, `INSERT INTO users (id, email) VALUES ('6a1c2b1e-8f0a-4d5e-9a51-0c1d2e3f4a5b', 'grace@example.com')`);
    writeConfig(tmp.dir, { extend: { User: { role: { type: "STRING", allowNull: false, defaultValue: "member" }, age: "INTEGER" } } });
    expectOk(await offline("generate", "add-role"));
    expectOk(await authdb("migrate"));
    expectOk(await authdb("check"));
    expect(await sqlQuery(db.url, "SELECT role FROM users")).toEqual([{ role: "member" }]);

    // INTEGER → BIGINT widens; a default changes; the users table gets a new name.
    writeConfig(tmp.dir, { tables: { User: "members" }, extend: { User: { role: { type: "STRING", allowNull: false, defaultValue: "guest" }, age: "BIGINT" } } });
    const plan = expectOk(await offline("generate", "members", "--dry-run"));
    expect(plan.stdout).toContain("rename table users to members");
    expect(plan.stdout).toContain("rename index users_email_unique to members_email_unique");
    expect(plan.stdout).toContain("change column members.age (INTEGER → BIGINT)");
    expect(plan.stdout).toContain("Nothing written");
    const sql = expectOk(await offline("generate", "members", "--sql", "postgres"));
    expect(sql.stdout).toContain('ALTER TABLE "users" RENAME TO "members";');
    expect(sql.stdout).toContain('ALTER INDEX "users_email_unique" RENAME TO "members_email_unique";');
    expectOk(await offline("generate", "members"));
    expectOk(await authdb("migrate"));
    expectOk(await authdb("check"));
    expect(await sqlQuery(db.url, "SELECT email, role FROM members")).toEqual([{ email: "grace@example.com", role: "member" }]);

    // Reverting the rename brings the table back under its old name, rows and all.
    expectOk(await authdb("down"));
    expect(await sqlQuery(db.url, "SELECT email FROM users")).toEqual([{ email: "grace@example.com" }]);
  });

  test("a teammate's fresh database applies the same files and never rewrites one; init --force refuses applied files", async () => {
    writeConfig(tmp.dir, { extend: { User: { role: { type: "STRING", length: 20 } } } });
    // Before generate: migrate warns, applies nothing new, writes nothing.
    const snapshotBefore = folderContents(tmp.dir);
    const warned = expectOk(await authdb("migrate"));
    expect(warned.stderr).toContain("authdb generate");
    expect(folderContents(tmp.dir)).toEqual(snapshotBefore);

    expectOk(await offline("generate", "add-role"));
    const committed = folderContents(tmp.dir);
    const teammate = await createDatabase("generate_teammate");
    try {
      expectOk(await runAuthdb(["migrate", "--url", teammate.url], { cwd: tmp.dir }));
      expect(folderContents(tmp.dir)).toEqual(committed);
      expectOk(await runAuthdb(["check", "--url", teammate.url], { cwd: tmp.dir }));
      expectOk(await runAuthdb(["status", "--check", "--url", teammate.url], { cwd: tmp.dir }));
    } finally {
      await teammate.drop();
    }
    // The first database applies only the new file, and its history stays valid (no CHANGED).
    const first = expectOk(await authdb("migrate"));
    expect(first.stdout).toMatch(/Applied 1 migration/);
    expectOk(await authdb("status", "--check"));

    const force = await authdb("init", "--force");
    expect(force.code).toBe(6);
    expect(force.stderr).toContain("init --force does not overwrite an applied migration");
    expect(folderContents(tmp.dir)).toEqual(committed);
  });
});

describe("sequelize-cli runs the files generate writes", () => {
  test("a generated column, rename and index migration applied by sequelize-cli db:migrate, then undone", async () => {
    const tmp = createTempDir("generate-sequelize-cli");
    const db = await createPostgresDatabase("generate_sequelize_cli");
    try {
      const offline = (...args: string[]) => runAuthdb(args, { cwd: tmp.dir });
      writeConfig(tmp.dir, { extend: { User: { phone: "STRING" } } });
      expectOk(await offline("init"));
      writeConfig(tmp.dir, { extend: { User: { phoneNumber: { type: "STRING", unique: true } } } });
      expectOk(await offline("generate", "rename-phone", "--rename", "User.phone=phoneNumber"));
      const cli = spawnSync(process.execPath, [require.resolve("sequelize-cli/lib/sequelize"), "db:migrate", "--url", db.url, "--migrations-path", "migrations"], { cwd: tmp.dir, encoding: "utf8" });
      expect(cli.status).toBe(0);
      for (const name of migrationFiles(tmp.dir)) expect(cli.stdout).toContain(`${name.replace(/\.js$/, "")}: migrated`);
      // authdb sees sequelize-cli's history and finds the schema it expects.
      expectOk(await runAuthdb(["check", "--url", db.url], { cwd: tmp.dir }));
      expect(JSON.parse(expectOk(await runAuthdb(["status", "--json", "--url", db.url], { cwd: tmp.dir })).stdout).data.pending).toEqual([]);
      const undo = spawnSync(process.execPath, [require.resolve("sequelize-cli/lib/sequelize"), "db:migrate:undo:all", "--url", db.url, "--migrations-path", "migrations"], { cwd: tmp.dir, encoding: "utf8" });
      expect(undo.status).toBe(0);
      expect(await sqlQuery(db.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = 'users'")).toEqual([]);
    } finally {
      await db.drop();
      tmp.cleanup();
    }
  });
});

describe("generate: what a reviewer tried to break", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeEach(() => (tmp = createTempDir("generate-review")));
  afterEach(() => tmp.cleanup());
  const offline = (...args: string[]) => runAuthdb(args, { cwd: tmp.dir });

  test("on SQLite, a table rebuild run by sequelize-cli (foreign keys on) keeps every row that references the table", async () => {
    const url = `sqlite:${path.join(tmp.dir, "app.sqlite")}`;
    writeConfig(tmp.dir, { extend: { User: { age: "INTEGER" } } });
    expectOk(await offline("init"));
    expectOk(await runAuthdb(["migrate", "--url", url], { cwd: tmp.dir }));
    const user = "7a1c2b1e-8f0a-4d5e-9a51-0c1d2e3f4a5b";
    await sqlQuery(url, "INSERT INTO users (id, email, age) VALUES (?, 'ada@example.com', 36)", [user]);
    await sqlQuery(url, "INSERT INTO sessions (id, session_token, user_id, expires) VALUES ('8a1c2b1e-8f0a-4d5e-9a51-0c1d2e3f4a5b', 'tok', ?, '2030-01-01 00:00:00.000 +00:00')", [user]);
    writeConfig(tmp.dir, { extend: { User: { age: "BIGINT" } } });
    expectOk(await offline("generate", "widen-age"));
    const cli = spawnSync(process.execPath, [require.resolve("sequelize-cli/lib/sequelize"), "db:migrate", "--url", url, "--migrations-path", "migrations"], { cwd: tmp.dir, encoding: "utf8" });
    expect(cli.status).toBe(0);
    expect(await sqlQuery(url, "SELECT session_token FROM sessions")).toEqual([{ session_token: "tok" }]);
    expect(await sqlQuery(url, "SELECT age FROM users")).toEqual([{ age: 36 }]);
    expect(await sqlQuery(url, "PRAGMA foreign_key_list(sessions)")).toEqual([expect.objectContaining({ table: "users", on_delete: "CASCADE" })]);
    expectOk(await runAuthdb(["check", "--url", url], { cwd: tmp.dir }));
  });

  test("--rename is refused when the old name is still in the config, or names another model", async () => {
    writeConfig(tmp.dir, { extend: { User: { phone: "STRING" } } });
    expectOk(await offline("init"));
    writeConfig(tmp.dir, { extend: { User: { phone: "STRING", mobile: "STRING" } } });
    const kept = await offline("generate", "--rename", "User.phone=mobile");
    expect(kept.code).toBe(2);
    expect(kept.stderr).toContain("matches no column");
    writeConfig(tmp.dir, { extend: { User: { mobile: "STRING" } } });
    const otherModel = await offline("generate", "--rename", "Session.phone=mobile");
    expect(otherModel.code).toBe(2);
    expect(otherModel.stderr).toContain("--rename Session.phone=mobile matches no column");
    expect(migrationFiles(tmp.dir)).toHaveLength(3);
  });

  test("init --force refuses a folder with later migrations; a file name without a timestamp and a name that gives no file name are plain errors", async () => {
    writeConfig(tmp.dir, {});
    expectOk(await offline("init"));
    writeConfig(tmp.dir, { extend: { User: { role: "STRING" } } });
    expectOk(await offline("generate", "add-role"));
    const force = await offline("init", "--force");
    expect(force.code).toBe(2);
    expect(force.stderr).toMatch(/holds later migrations \(\d{14}-add-role\.js\)/);

    writeFileSync(path.join(tmp.dir, "migrations", "zz-custom.js"), "module.exports = { async up() {}, async down() {} };\n");
    writeConfig(tmp.dir, { extend: { User: { role: "STRING", bio: "TEXT" } } });
    const bad = await offline("generate", "!!!");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("gives an empty file name");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const named = expectOk(await offline("generate", "add-bio"));
    expect(named.stdout).toMatch(/Wrote migrations\/\d{14}-add-bio\.js/);
  });
});

describe("authdb generate: snapshots", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeEach(() => (tmp = createTempDir("snapshot")));
  afterEach(() => tmp.cleanup());
  const offline = (...args: string[]) => runAuthdb(args, { cwd: tmp.dir });

  test("a hand-broken snapshot is a clear error with the way out; a lost one can be reset", async () => {
    writeConfig(tmp.dir, {});
    expectOk(await offline("init"));
    const file = path.join(tmp.dir, "migrations", "authdb.snapshot.json");
    writeFileSync(file, readFileSync(file, "utf8").replace('"type": "UUID"', '"type": "GUID"'));
    const broken = await offline("generate");
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("is not an authdb schema snapshot");
    expect(broken.stderr).toContain("git checkout");
    expect(broken.stderr).not.toMatch(/\n\s+at /);

    writeFileSync(path.join(tmp.dir, "migrations", "20270101000000-hand-written.js"), "module.exports = { async up() {}, async down() {} };\n");
    writeFileSync(file, "{");
    expect((await offline("generate")).stderr).toContain("is not valid JSON");
    require("node:fs").rmSync(file);
    const missing = await offline("generate");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("authdb.snapshot.json is missing");
    expect(missing.stderr).toContain("--reset-snapshot");
    expectOk(await offline("generate", "--reset-snapshot"));
    expect(existsSync(file)).toBe(true);
    expect(expectOk(await offline("generate")).stdout).toContain("No schema changes");
  });

  test("a folder from before snapshots (the old initial migration alone) gets authdb's new expiry indexes through generate", async () => {
    writeConfig(tmp.dir, { extend: { User: { phoneNumber: "STRING" } } });
    expectOk(await offline("init"));
    const dir = path.join(tmp.dir, "migrations");
    // What an earlier authdb wrote: the level-1 initial migration under its old doc comment, no snapshot.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { renderInitialMigration } = require("../../src/migrations/renderMigration") as typeof import("../../src/migrations/renderMigration");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildSchema } = require("../../src/schema") as typeof import("../../src/schema");
    for (const name of readdirSync(dir)) require("node:fs").rmSync(path.join(dir, name));
    writeFileSync(path.join(dir, "20261123000000-authdb-initial.js"), renderInitialMigration(buildSchema({ extend: { User: { phoneNumber: "STRING" } }, builtinLevel: 1 }), "initial-migration-v1.js"));
    const db = createSqliteDatabase("legacy");
    try {
      expectOk(await runAuthdb(["migrate", "--url", db.url], { cwd: tmp.dir }));
      const check = await runAuthdb(["check", "--url", db.url], { cwd: tmp.dir });
      expect(check.code).toBe(5);
      expect(check.stdout + check.stderr).toContain("sessions_expires");
      const generated = expectOk(await offline("generate", "authdb-upgrade"));
      expect(generated.stdout).toContain("implied by the untouched initial migration");
      expect(generated.stdout).toContain("add index sessions_expires on sessions (expires)");
      expectOk(await runAuthdb(["migrate", "--url", db.url], { cwd: tmp.dir }));
      expectOk(await runAuthdb(["check", "--url", db.url], { cwd: tmp.dir }));
      expect(existsSync(path.join(dir, "authdb.snapshot.json"))).toBe(true);
    } finally {
      await db.drop();
    }
  });
});
