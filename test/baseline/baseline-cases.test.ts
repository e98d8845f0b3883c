import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Sequelize } from "sequelize";
import type { DatabaseSchema } from "../../src/introspect";
import { migrationFromSource } from "../../src/migrator";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, createTempDir, type TestDatabase } from "../helpers/databases";
import { authdbIn, configFor, connect, fillWithSequelizeAdapter, layoutOf, parseJson, quoted, rawQuery, tableNames, watchingDdl, writeConfig } from "./support";

// What baseline refuses, and what it does on a database that needs no conversion; plus the rule that makes
// the follow-up safe to share: on a teammate's fresh database it runs and changes nothing.

const SEQUELIZE_CLI = require.resolve("sequelize-cli/lib/sequelize");
const INITIAL = "20261123000000-authdb-initial.js";
const EXPIRY = "20261123000001-authdb-expiry-indexes.js";
const EXACT = "20261123000002-authdb-exact-text.js";

const dialects: Array<[string, (label: string) => Promise<TestDatabase> | TestDatabase]> = [
  ["postgres", createPostgresDatabase],
  ["sqlite", createSqliteDatabase],
  ["mariadb", createMariaDatabase],
];

describe.each(dialects)("authdb baseline on %s", (dialect, createDatabase) => {
  const databases: TestDatabase[] = [];
  const projects: Array<{ cleanup(): void }> = [];
  const fresh = async (label: string) => {
    const database = await createDatabase(label);
    databases.push(database);
    return database;
  };
  const newProject = (label: string, config: Record<string, unknown> = {}) => {
    const project = createTempDir(`baseline-${label}-${dialect}`);
    projects.push(project);
    writeConfig(project.dir, config);
    return { dir: project.dir, authdb: authdbIn(project.dir), migrations: path.join(project.dir, "migrations") };
  };
  /** Nothing written: no folder, no history table. */
  const expectNothingWritten = async (project: { migrations: string }, database: TestDatabase) => {
    expect(existsSync(project.migrations)).toBe(false);
    expect(await tableNames(database.url)).not.toContain("SequelizeMeta");
  };

  afterAll(async () => {
    for (const database of databases) await database.drop();
    for (const project of projects) project.cleanup();
  });

  it("a duplicate (provider, provider_account_id) pair stops it: the pair is listed, nothing is written, exit 5", async () => {
    const database = await fresh("dupes");
    const stored = await fillWithSequelizeAdapter(database.url, "default", "duplicate-account");
    const project = newProject("dupes");
    const result = await project.authdb(["baseline", "--url", database.url]);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain("accounts: 1 value of (provider, provider_account_id) is shared by several rows, so the unique key accounts_provider_provider_account_id_unique cannot be added");
    expect(result.stdout).toContain(`(github, ${stored.github.providerAccountId}): 2 rows`);
    expect(result.stderr).toContain("authdb never deletes user data");
    expect(result.stderr).toContain("Nothing was written.");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    await expectNothingWritten(project, database);
    expect(Number((await rawQuery(database.url, "SELECT COUNT(*) AS n FROM accounts"))[0]!.n)).toBe(3);

    const json = await project.authdb(["baseline", "--json", "--url", database.url]);
    expect(json.code).toBe(5);
    expect(parseJson(json).rowProblems).toEqual([expect.objectContaining({ table: "accounts", kind: "unique", count: 1, sample: ["(github, 1001): 2 rows"] })]);
  });

  it("an account without a user stops it too (user_id becomes NOT NULL), naming the row", async () => {
    const database = await fresh("nulls");
    await fillWithSequelizeAdapter(database.url, "default");
    await rawQuery(database.url, "INSERT INTO accounts (id, type, provider, provider_account_id) VALUES ('0a5b6c7d-0000-4000-8000-000000000001', 'oauth', 'gitlab', '77')");
    const project = newProject("nulls");
    const result = await project.authdb(["baseline", "--url", database.url]);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain("accounts: 1 row has no user_id, which authdb's layout makes NOT NULL");
    expect(result.stdout).toContain("id 0a5b6c7d-0000-4000-8000-000000000001");
    await expectNothingWritten(project, database);
  });

  it("a layout it does not know: the differences in check's words, nothing written, exit 5", async () => {
    const database = await fresh("unknown");
    // The custom model's phone_number and timestamps, but a config that does not declare them.
    await fillWithSequelizeAdapter(database.url, "custom");
    const project = newProject("unknown");
    const result = await project.authdb(["baseline", "--url", database.url]);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain("3 differences that baseline cannot convert:");
    expect(result.stdout).toContain("users.phone_number: column is not in the schema");
    expect(result.stdout).toContain("users.created_at: column is not in the schema");
    expect(result.stderr).toContain("matches no layout baseline knows");
    expect(result.stderr).toContain("declare them in authdb.config under extend");
    await expectNothingWritten(project, database);

    const json = parseJson(await project.authdb(["baseline", "--json", "--url", database.url]));
    expect(json.differences.map((d: { kind: string; column: string }) => `${d.kind} ${d.column}`)).toEqual(["extra-column phone_number", "extra-column created_at", "extra-column updated_at"]);
  });

  it("a type it will not narrow is unknown too (users.id as an integer)", async () => {
    const database = await fresh("integer_ids");
    await rawQuery(database.url, "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(255), email VARCHAR(255), email_verified TIMESTAMP, image TEXT)");
    const project = newProject("integer-ids");
    const result = await project.authdb(["baseline", "--url", database.url]);
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(dialect === "mariadb" ? /users\.id: type is int, expected char\(36\)/ : /users\.id: type is integer, expected uuid/);
    expect(result.stdout).toContain("table accounts is missing");
    await expectNothingWritten(project, database);
  });

  it("an empty database: nothing to adopt, exit 5, pointing at migrate", async () => {
    const database = await fresh("empty");
    const project = newProject("empty");
    const result = await project.authdb(["baseline", "--url", database.url]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("has none of the Auth.js tables");
    expect(result.stderr).toContain("npx authdb migrate");
    expect(existsSync(project.migrations)).toBe(false);
  });

  describe("a database with authdb's tables but no history", () => {
    let database: TestDatabase;
    let maker: ReturnType<typeof newProject>;
    beforeAll(async () => {
      database = await fresh("authdb_layout");
      maker = newProject("maker", configFor("custom-no-timestamps"));
      expect((await maker.authdb(["init"])).code).toBe(0);
      expect((await maker.authdb(["migrate", "--url", database.url])).code).toBe(0);
      // The history is lost (a restored dump without it, a database created by hand from the migration's SQL).
      await rawQuery(database.url, `DROP TABLE ${quoted(database.url, "SequelizeMeta")}`);
      await rawQuery(database.url, "DROP TABLE authdb_migrations");
    });

    it("a folder init already wrote (with its authdb.snapshot.json) is accepted as holding the config", async () => {
      // The snapshot read back from the file lists each column's keys in another order than the config's
      // builder: compared as text, every such folder was refused as holding "a different schema".
      expect(existsSync(path.join(maker.migrations, "authdb.snapshot.json"))).toBe(true);
      const result = await maker.authdb(["baseline", "--dry-run", "--json", "--url", database.url]);
      expect(result.stderr).not.toContain("hold a different schema");
      expect(result.code).toBe(0);
      expect(parseJson(result)).toMatchObject({ layout: "authdb", recorded: [INITIAL, EXPIRY, EXACT], pending: [], adoption: null });
      expect(await tableNames(database.url)).not.toContain("SequelizeMeta");
    });

    it("a folder whose snapshot holds another schema is still refused, naming the difference", async () => {
      const other = newProject("other-schema", configFor("custom-no-timestamps"));
      expect((await other.authdb(["init"])).code).toBe(0);
      writeConfig(other.dir, configFor("default"));
      const result = await other.authdb(["baseline", "--dry-run", "--url", database.url]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("hold a different schema than the config");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });

    it("records the initial and built-in migrations without running them; no follow-up; migrate has nothing to do", async () => {
      const project = newProject("authdb-layout", configFor("custom-no-timestamps"));
      const result = await project.authdb(["baseline", "--json", "--url", database.url]);
      expect(result.code).toBe(0);
      const report = parseJson(result);
      expect(report).toMatchObject({ layout: "authdb", recorded: [INITIAL, EXPIRY, EXACT], pending: [], adoption: null });
      expect(readdirSync(project.migrations).sort()).toEqual([INITIAL, EXPIRY, EXACT, "authdb.snapshot.json"]);
      const migrate = await project.authdb(["migrate", "--url", database.url]);
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toContain("Already up to date");
      expect((await project.authdb(["check", "--url", database.url])).code).toBe(0);
      expect((await project.authdb(["status", "--check", "--url", database.url])).code).toBe(0);
    });

    it("a built-in migration whose indexes are missing stays pending, and migrate applies it", async () => {
      await rawQuery(database.url, `DELETE FROM ${quoted(database.url, "SequelizeMeta")}`);
      await rawQuery(database.url, "DELETE FROM authdb_migrations");
      const on = (table: string) => (dialect === "mariadb" ? ` ON ${table}` : "");
      await rawQuery(database.url, `DROP INDEX sessions_expires${on("sessions")}`);
      await rawQuery(database.url, `DROP INDEX verification_tokens_expires${on("verification_tokens")}`);
      const project = newProject("authdb-level-1", configFor("custom-no-timestamps"));
      const report = parseJson(await project.authdb(["baseline", "--json", "--url", database.url]));
      expect(report).toMatchObject({ layout: "authdb", recorded: [INITIAL], pending: [EXPIRY, EXACT], adoption: null });
      expect((await project.authdb(["migrate", "--url", database.url])).code).toBe(0);
      expect((await project.authdb(["check", "--url", database.url])).code).toBe(0);
    });
  });

  it("sequelize-cli runs the follow-up too, keeping every row (SQLite: with foreign keys on, it switches them off itself)", async () => {
    const database = await fresh("sequelize_cli");
    await fillWithSequelizeAdapter(database.url, "default");
    const project = newProject("sequelize-cli");
    expect((await project.authdb(["baseline", "--url", database.url])).code).toBe(0);
    const url = dialect === "sqlite" ? `sqlite://${database.url.slice("sqlite:".length)}` : database.url;
    const cli = spawnSync(process.execPath, [SEQUELIZE_CLI, "db:migrate", "--url", url, "--migrations-path", "migrations"], { cwd: project.dir, encoding: "utf8" });
    expect(`${cli.stdout}${cli.stderr}`).toMatch(/authdb-adopt-existing-tables: migrated/);
    expect(cli.status).toBe(0);
    for (const [table, rows] of [["users", 2], ["accounts", 2], ["sessions", 2], ["verification_tokens", 1]] as const) {
      expect(Number((await rawQuery(database.url, `SELECT COUNT(*) AS n FROM ${table}`))[0]!.n)).toBe(rows);
    }
    expect((await project.authdb(["check", "--url", database.url])).code).toBe(0);
  });

  describe("the follow-up migration, shared with a teammate's fresh database", () => {
    let project: ReturnType<typeof newProject>;
    let adoption: string;
    beforeAll(async () => {
      const adopted = await fresh("adopted");
      await fillWithSequelizeAdapter(adopted.url, "custom");
      project = newProject("shared", configFor("custom"));
      expect((await project.authdb(["baseline", "--url", adopted.url])).code).toBe(0);
      adoption = readdirSync(project.migrations).find((name) => name.includes("adopt-existing-tables"))!;
    });

    it("runs after the initial migration and changes nothing; check passes", async () => {
      const database = await fresh("teammate");
      const upTo = await project.authdb(["migrate", "--to", EXACT, "--url", database.url]);
      expect(upTo.code).toBe(0);
      const before: DatabaseSchema = await layoutOf(database.url);
      const migrate = await project.authdb(["migrate", "--url", database.url]);
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toContain(adoption);
      const after = await layoutOf(database.url);
      // Only the timestamp columns' default is new: the initial migration could not give a config value "now".
      for (const column of after.tables.users!.columns) {
        if (column.name === "created_at" || column.name === "updated_at") {
          expect(column.default).toMatch(/CURRENT_TIMESTAMP/i);
          column.default = before.tables.users!.columns.find((c) => c.name === column.name)!.default;
        }
      }
      expect(after).toEqual(before);
      const check = await project.authdb(["check", "--url", database.url]);
      expect(check.code).toBe(0);
    });

    // MySQL/MariaDB: a preview (reads sent, everything else captured), so the catalog reads take the live branch there too.
    it("migrate --dry-run on a fresh database shows it reading the catalog and altering no accounts column", async () => {
      const database = await fresh("teammate_dry");
      expect((await project.authdb(["migrate", "--to", EXACT, "--url", database.url])).code).toBe(0);
      const dry = await project.authdb(["migrate", "--dry-run", "--url", database.url]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`-- ${adoption}`);
      expect(dry.stdout).not.toMatch(/ALTER TABLE "accounts"|ALTER TABLE `accounts`/);
    });
  });
});

// The follow-up is committed and every teammate runs it, whatever their database: one written from a
// PostgreSQL or SQLite database must do nothing on a fresh MariaDB one (but the timestamp default), not throw.
describe.each(dialects.filter(([dialect]) => dialect !== "mariadb"))("a follow-up written from a %s database, on a teammate's fresh MariaDB database", (dialect, createDatabase) => {
  const databases: TestDatabase[] = [];
  let project: { cleanup(): void; dir: string };
  let authdb: ReturnType<typeof authdbIn>;
  let adoption: string;

  beforeAll(async () => {
    const adopted = await createDatabase("cross_adopted");
    databases.push(adopted);
    await fillWithSequelizeAdapter(adopted.url, "custom");
    project = createTempDir(`baseline-cross-${dialect}`);
    writeConfig(project.dir, configFor("custom"));
    authdb = authdbIn(project.dir);
    expect((await authdb(["baseline", "--url", adopted.url])).code).toBe(0);
    adoption = readdirSync(path.join(project.dir, "migrations")).find((name) => name.includes("adopt-existing-tables"))!;
  });

  afterAll(async () => {
    for (const database of databases) await database.drop();
    project?.cleanup();
  });

  it("migrate runs it after the initial migration (exit 0), it changes nothing, check passes; down does nothing there", async () => {
    const teammate = await createMariaDatabase("cross_teammate");
    databases.push(teammate);
    expect((await authdb(["migrate", "--to", EXACT, "--url", teammate.url])).code).toBe(0);
    const before = await layoutOf(teammate.url);
    const migrate = await authdb(["migrate", "--url", teammate.url]);
    expect(migrate.stderr).toBe("");
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain(adoption);
    const after = await layoutOf(teammate.url);
    // Only the timestamp columns' default is new: DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), as MySQL requires.
    for (const column of after.tables.users!.columns) {
      if (column.name === "created_at" || column.name === "updated_at") {
        expect(column.default).toBe("current_timestamp(3)");
        column.default = before.tables.users!.columns.find((c) => c.name === column.name)!.default;
      }
    }
    expect(after).toEqual(before);
    expect((await authdb(["check", "--url", teammate.url])).code).toBe(0);

    // down restores the adopted database's old layout, and this one never was it.
    const down = await authdb(["down", "--accept-data-loss", "--url", teammate.url]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`reverted ${adoption}`);
    const reverted = await layoutOf(teammate.url);
    expect(reverted.tables.accounts).toEqual(before.tables.accounts);
    expect(reverted.tables.authenticators).toEqual(before.tables.authenticators);
  });
});

test("a follow-up written from PostgreSQL, for a config with a column of every type, changes nothing on a fresh MariaDB database but the timestamp default", async () => {
  // MariaDB reports JSON as longtext (with a json_valid check), INTEGER as int(11), BOOLEAN as tinyint(1):
  // read in the follow-up as authdb check reads them, none of them is a difference to convert.
  const config = {
    extend: {
      User: {
        prefs: "JSON", score: "FLOAT", amount: { type: "DECIMAL", precision: 10, scale: 2 }, rough: "DECIMAL", flag: "BOOLEAN", born: "DATEONLY", note: "TEXT",
        big: "BIGINT", small: "INTEGER", seen: "DATE", code: { type: "STRING", length: 20 }, ref: "UUID", createdAt: { type: "DATE", allowNull: false },
      },
    },
  };
  const adopted = await createPostgresDatabase("cross_types");
  const teammate = await createMariaDatabase("cross_types_teammate");
  const maker = createTempDir("baseline-cross-types-maker");
  const project = createTempDir("baseline-cross-types");
  try {
    writeConfig(maker.dir, config);
    writeConfig(project.dir, config);
    // authdb's own tables, history lost, one column narrowed by hand: the follow-up has one thing to do there.
    expect((await authdbIn(maker.dir)(["init"])).code).toBe(0);
    expect((await authdbIn(maker.dir)(["migrate", "--url", adopted.url])).code).toBe(0);
    await rawQuery(adopted.url, 'DROP TABLE "SequelizeMeta"; DROP TABLE authdb_migrations; ALTER TABLE accounts ALTER COLUMN access_token TYPE varchar(255)');
    const authdb = authdbIn(project.dir);
    expect(parseJson(await authdb(["baseline", "--json", "--url", adopted.url])).adoption.changes).toEqual([
      "users.created_at: database default CURRENT_TIMESTAMP (authdb's adapter leaves the column out of its INSERTs)",
      "accounts.access_token: varchar(255) → text",
    ]);
    expect((await authdb(["migrate", "--to", EXACT, "--url", teammate.url])).code).toBe(0);
    const before = await layoutOf(teammate.url);
    expect((await authdb(["migrate", "--url", teammate.url])).code).toBe(0);
    const after = await layoutOf(teammate.url);
    const createdAt = after.tables.users!.columns.find((c) => c.name === "created_at")!;
    expect(createdAt.default).toBe("current_timestamp(3)");
    createdAt.default = null;
    expect(after).toEqual(before);
    expect((await authdb(["check", "--url", teammate.url])).code).toBe(0);
    // Run once more in this process, watching the statements: not one ALTER (a CHANGE COLUMN that rewrites a
    // column as it is would leave the same layout behind, and copy the table for nothing).
    const file = readdirSync(path.join(project.dir, "migrations")).find((name) => name.includes("adopt-existing-tables"))!;
    const sequelize = connect(teammate.url);
    try {
      const watched = watchingDdl(sequelize);
      await migrationFromSource(file, readFileSync(path.join(project.dir, "migrations", file), "utf8")).load().up(watched.queryInterface as never, Sequelize as never);
      expect(watched.statements).toEqual([]);
    } finally {
      await sequelize.close();
    }
  } finally {
    await adopted.drop();
    await teammate.drop();
    maker.cleanup();
    project.cleanup();
  }
});
