import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import sqlite3 from "sqlite3";
import { runAuthdb, type CliResult } from "../helpers/cli";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, createTempDir, mysqlQuery, pgQuery, type TestDatabase } from "../helpers/databases";

// `authdb check` and `authdb verify` run as an operator would: the built CLI in a project made by
// `authdb init`, the database changed behind its back with a bare driver.

const INITIAL = "20261123000000-authdb-initial.js";

/** Runs SQL on a database from outside authdb (psql-like), whatever its dialect. */
async function rawSql(url: string, statements: string[]): Promise<void> {
  if (url.startsWith("postgres")) {
    for (const sql of statements) await pgQuery(url, sql);
    return;
  }
  if (url.startsWith("mysql")) {
    for (const sql of statements) await mysqlQuery(url, sql);
    return;
  }
  const db = new sqlite3.Database(url.slice("sqlite:".length));
  try {
    for (const sql of statements) await new Promise<void>((resolve, reject) => db.run(sql, (error) => (error ? reject(error) : resolve())));
  } finally {
    await new Promise((resolve) => db.close(resolve));
  }
}

function parseJson(result: CliResult): Record<string, any> {
  // One JSON document on stdout, whatever the exit code.
  return JSON.parse(result.stdout);
}

/** up creates a table and an index on accounts; down only drops the table: the index is left behind. */
const BROKEN_MIGRATION = `module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable("audit_events", { id: { type: Sequelize.INTEGER, primaryKey: true, allowNull: false } });
    await queryInterface.addIndex("accounts", ["provider"], { name: "accounts_provider" });
  },
  async down(queryInterface) {
    await queryInterface.dropTable("audit_events");
  },
};
`;

const NOOP_MIGRATION = `module.exports = { async up() {}, async down() {} };\n`;

const dialects: Array<[string, (label: string) => Promise<TestDatabase> | TestDatabase]> = [
  ["postgres", createPostgresDatabase],
  ["sqlite", createSqliteDatabase],
  ["mariadb", createMariaDatabase],
];

/** INTEGER as each catalog reports it (MariaDB's int(11), normalized). */
const INTEGER: Record<string, string> = { postgres: "integer", sqlite: "integer", mariadb: "int" };

describe.each(dialects)("authdb check and verify on %s", (dialect, createDatabase) => {
  let project: { dir: string; cleanup(): void };
  const databases: TestDatabase[] = [];
  const fresh = async (label: string) => {
    const database = await createDatabase(label);
    databases.push(database);
    return database;
  };
  const authdb = (args: string[], env: Record<string, string | undefined> = {}) => runAuthdb(args, { cwd: project.dir, env: { DATABASE_URL: undefined, CI: undefined, ...env } });

  beforeAll(async () => {
    project = createTempDir(`check-${dialect}`);
    const init = await authdb(["init"]);
    if (init.code !== 0) throw new Error(`authdb init failed (is the CLI built? npm run build):\n${init.stderr}`);
  });

  afterAll(async () => {
    for (const database of databases) await database.drop();
    project?.cleanup();
  });

  describe("check", () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await fresh("check");
    });

    it("on an empty database lists the missing tables and the pending migration, exit 5, creating nothing", async () => {
      const result = await authdb(["check", "--url", database.url]);
      expect(result.code).toBe(5);
      expect(result.stdout).toContain("table users is missing");
      expect(result.stdout).toContain(`pending  ${INITIAL}`);
      expect(result.stderr).toContain("3 migrations are pending");
      // Read-only: not even the migrator's bookkeeping tables appear.
      const status = parseJson(await authdb(["check", "--url", database.url, "--json"])).data;
      expect(status.pending).toEqual([INITIAL, "20261123000001-authdb-expiry-indexes.js", "20261123000002-authdb-exact-text.js"]);
      if (dialect === "postgres") expect(await pgQuery(database.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual([]);
      if (dialect === "mariadb") expect(await mysqlQuery(database.url, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")).toEqual([]);
    });

    it("after migrate exits 0 and says what it compared; --json is one document", async () => {
      expect((await authdb(["migrate", "--url", database.url])).code).toBe(0);
      const result = await authdb(["check", "--url", database.url]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Compared 5 tables (users, accounts, sessions, verification_tokens, authenticators)");
      expect(result.stdout).toMatch(/0 differences, 0 pending migrations in migrations \(\d+(\.\d+)? m?s\)/);
      const json = await authdb(["check", "--url", database.url, "--json"]);
      expect(json.code).toBe(0);
      expect(parseJson(json)).toMatchObject({ command: "check", ok: true, error: null, data: { differences: [], pending: [] } });
    });

    it("exits 4 when the schema matches but a migration is pending", async () => {
      const file = path.join(project.dir, "migrations", "20270101000000-noop.js");
      writeFileSync(file, NOOP_MIGRATION);
      try {
        const result = await authdb(["check", "--url", database.url, "--json"]);
        expect(result.code).toBe(4);
        expect(parseJson(result)).toMatchObject({ ok: false, data: { differences: [], pending: ["20270101000000-noop.js"] }, error: { exitCode: 4 } });
        expect(result.stderr).toContain("1 pending migration: 20270101000000-noop.js");
      } finally {
        rmSync(file);
      }
    });

    it("exits 5 after a manual ALTER TABLE, naming the table and column; --strict adds unknown tables", async () => {
      await rawSql(database.url, ["ALTER TABLE accounts ADD COLUMN legacy_flag INTEGER", "CREATE TABLE app_orders (id INTEGER PRIMARY KEY)"]);
      const result = await authdb(["check", "--url", database.url]);
      expect(result.code).toBe(5);
      expect(result.stdout).toContain(`accounts.legacy_flag: column is not in the schema (${INTEGER[dialect]}, nullable)`);
      expect(result.stdout).not.toContain("app_orders");
      expect(result.stderr).toMatch(/Error: the database differs from the schema in 1 place/);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace

      const strict = await authdb(["check", "--url", database.url, "--strict", "--json"]);
      expect(strict.code).toBe(5);
      const kinds = parseJson(strict).data.differences.map((d: { kind: string; table: string; column?: string }) => `${d.kind} ${d.table}${d.column ? `.${d.column}` : ""}`);
      expect(kinds).toEqual(["extra-column accounts.legacy_flag", "extra-table app_orders"]);
    });

    if (dialect === "postgres") {
      it("names a column whose type was changed by hand", async () => {
        await rawSql(database.url, ["ALTER TABLE accounts ALTER COLUMN access_token TYPE varchar(255)", "DROP INDEX accounts_provider_provider_account_id_unique"]);
        const result = await authdb(["check", "--url", database.url]);
        expect(result.code).toBe(5);
        expect(result.stdout).toContain("accounts.access_token: type is varchar(255), expected text");
        expect(result.stdout).toContain("accounts: unique key accounts_provider_provider_account_id_unique on (provider, provider_account_id) is missing");
      });
    }

    if (dialect === "mariadb") {
      it("names a column whose type was changed by hand, a dropped column, index and unique key", async () => {
        await rawSql(database.url, [
          "ALTER TABLE accounts MODIFY access_token varchar(255) NULL",
          "ALTER TABLE users DROP COLUMN image",
          "DROP INDEX sessions_expires ON sessions",
          "DROP INDEX accounts_provider_provider_account_id_unique ON accounts",
        ]);
        const result = await authdb(["check", "--url", database.url]);
        expect(result.code).toBe(5);
        expect(result.stdout).toContain("accounts.access_token: type is varchar(255), expected text");
        expect(result.stdout).toContain("users.image: column is missing (expected text, nullable)");
        expect(result.stdout).toContain("sessions: index sessions_expires on (expires) is missing");
        expect(result.stdout).toContain("accounts: unique key accounts_provider_provider_account_id_unique on (provider, provider_account_id) is missing");
        expect(result.stderr).toMatch(/Error: the database differs from the schema in 5 places/);
      });
    }
  });

  describe("verify", () => {
    it("passes on the default migrations and leaves the scratch database fully migrated", async () => {
      const database = await fresh("verify");
      const result = await authdb(["verify", "--url", database.url]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`✔ ${INITIAL}  up \\d+ m?s · down \\d+ m?s · up \\d+ m?s`));
      expect(result.stdout).toContain("✔ reverted all 3: back to the starting schema");
      expect(result.stdout).toContain("The scratch database is left fully migrated.");
      // Left migrated: check agrees, and a second verify refuses the now non-empty database unless --force.
      expect((await authdb(["check", "--url", database.url])).code).toBe(0);
      const again = await authdb(["verify", "--url", database.url]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain("this database is not empty: it has 3 applied migrations");
      const forced = await authdb(["verify", "--url", database.url, "--force", "--json"]);
      expect(forced.code).toBe(0);
      expect(parseJson(forced)).toMatchObject({ command: "verify", ok: true, data: { failed: null, leftMigrated: true } });
    });

    it("refuses to run without an explicit --url or DATABASE_URL, and creates no SQLite file", async () => {
      const result = await authdb(["verify"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("verify needs a scratch database: pass --url");
      expect(existsSync(path.join(project.dir, "authdb.sqlite"))).toBe(false);
    });

    it("exits 5 naming the first migration whose down does not undo its up, with what it left behind", async () => {
      const broken = createTempDir(`verify-broken-${dialect}`);
      try {
        cpSync(path.join(project.dir, "authdb.config.js"), path.join(broken.dir, "authdb.config.js"));
        mkdirSync(path.join(broken.dir, "migrations"));
        cpSync(path.join(project.dir, "migrations", INITIAL), path.join(broken.dir, "migrations", INITIAL));
        writeFileSync(path.join(broken.dir, "migrations", "20270101000000-add-audit.js"), BROKEN_MIGRATION);
        writeFileSync(path.join(broken.dir, "migrations", "20270102000000-later.js"), NOOP_MIGRATION);
        const database = await fresh("verify_broken");
        const result = await runAuthdb(["verify", "--url", database.url, "--json"], { cwd: broken.dir });
        expect(result.code).toBe(5);
        expect(result.stderr).toContain(`✔ ${INITIAL}`);
        expect(result.stderr).toContain("✖ 20270101000000-add-audit.js");
        expect(result.stderr).toContain("accounts: index accounts_provider on (provider) is not in the schema");
        expect(result.stderr).toContain("Error: 20270101000000-add-audit.js: its down does not undo its up");
        expect(result.stderr).not.toContain("20270102000000-later.js"); // it stops at the first failure
        const doc = parseJson(result);
        expect(doc).toMatchObject({ ok: false, error: { exitCode: 5 } });
        const json = doc.data;
        expect(json.failed).toBe("20270101000000-add-audit.js");
        expect(json.migrations.map((m: { name: string; ok: boolean }) => [m.name, m.ok])).toEqual([
          [INITIAL, true],
          ["20270101000000-add-audit.js", false],
        ]);
        expect(json.migrations[1].differences).toEqual([expect.objectContaining({ kind: "extra-index", table: "accounts" })]);
      } finally {
        broken.cleanup();
      }
    });
  });
});
