import { Sequelize } from "sequelize";
import { planBaseline } from "../../src/baseline";
import { diffSchema, expectedSchema, type DatabaseSchema } from "../../src/introspect";
import { schemaAtLevel } from "../../src/migrations/migrationSet";
import { migrationFromSource, type MigrationModule } from "../../src/migrator";
import { createMariaDatabase, createTempDir, type TestDatabase } from "../helpers/databases";
import { configFor, connect, fillWithSequelizeAdapter, layoutOf, rawQuery, watchingDdl } from "./support";

// MySQL and MariaDB commit each DDL statement at once: an adoption migration that fails halfway (a server
// error, a lost connection) stays half done, and the next `authdb migrate` runs it again from the start.
// Each step reads the live table first, so that rerun must finish the job from wherever the first run
// stopped. Proven here by stopping up() (and down()) before each of its statements in turn.

const TABLES = ["users", "accounts", "sessions", "verification_tokens"];

async function counts(url: string): Promise<number[]> {
  return Promise.all(TABLES.map(async (table) => Number((await rawQuery(url, `SELECT COUNT(*) AS n FROM ${table}`))[0]!.n)));
}

describe("the adoption migration on MariaDB, stopped before each of its statements and run again", () => {
  let database: TestDatabase;
  let project: { dir: string; cleanup(): void };
  let sequelize: Sequelize;
  let migration: MigrationModule;
  let before: DatabaseSchema;
  let after: DatabaseSchema;
  let rows: number[];
  let upStatements = 0;
  let downStatements = 0;

  const run = async (direction: "up" | "down", limit = Infinity) => {
    const failing = watchingDdl(sequelize, limit);
    await migration[direction]!(failing.queryInterface as never, Sequelize as never);
    return failing.count();
  };

  beforeAll(async () => {
    database = await createMariaDatabase("adopt_rerun");
    // The docs' models: camelCase columns to rename, timestamps to give a default, besides every other step.
    await fillWithSequelizeAdapter(database.url, "docs");
    project = createTempDir("baseline-rerun");
    sequelize = connect(database.url);
    const plan = await planBaseline(sequelize, { migrationsDir: `${project.dir}/migrations`, config: configFor("docs") });
    migration = migrationFromSource("20261201000000-authdb-adopt-existing-tables.js", plan.adoption!.content).load();
    before = await layoutOf(database.url);
    rows = await counts(database.url);
    upStatements = await run("up");
    after = await layoutOf(database.url);
    downStatements = await run("down");
  }, 60_000);

  afterAll(async () => {
    await sequelize?.close();
    await database?.drop();
    project?.cleanup();
  });

  it("a whole run converts the tables and down restores them (the baseline of the cases below)", async () => {
    expect(upStatements).toBeGreaterThan(5);
    expect(downStatements).toBeGreaterThan(5);
    // Exactly what the initial migration creates (the expiry indexes come from the next built-in migration).
    expect(diffSchema(expectedSchema(schemaAtLevel(configFor("docs"), 1), "mysql"), after).map((d) => d.message)).toEqual([]);
    expect(await layoutOf(database.url)).toEqual(before);
    expect(await counts(database.url)).toEqual(rows);
  });

  it("up stopped before statement n, then run again, ends as a whole run does; so does down", async () => {
    for (let limit = 0; limit < Math.max(upStatements, downStatements); limit++) {
      if (limit < upStatements) {
        await expect(run("up", limit)).rejects.toThrow(`injected failure of DDL statement ${limit + 1}`);
        await run("up");
        expect({ limit, layout: await layoutOf(database.url) }).toEqual({ limit, layout: after });
        // A third run finds nothing left to do.
        expect(await run("up")).toBe(0);
      } else await run("up");
      if (limit < downStatements) {
        await expect(run("down", limit)).rejects.toThrow(`injected failure of DDL statement ${limit + 1}`);
      }
      await run("down");
      expect({ limit, layout: await layoutOf(database.url) }).toEqual({ limit, layout: before });
      expect(await counts(database.url)).toEqual(rows);
    }
  }, 240_000);

  it("rows that would not survive stop it before any table changed: every table is looked at first", async () => {
    // A second link of the same account, made by the old app after baseline ran: the unique key cannot be added.
    await rawQuery(database.url, "INSERT INTO accounts (id, type, provider, provider_account_id, user_id) SELECT 'dddddddd-0000-4000-8000-000000000001', type, provider, provider_account_id, user_id FROM accounts WHERE provider = 'github'");
    try {
      await expect(run("up")).rejects.toThrow(/accounts: 1 row share a value of \(provider, provider_account_id\), which becomes unique/);
      // users comes before accounts, and is not half converted: nothing is.
      expect(await layoutOf(database.url)).toEqual(before);
    } finally {
      await rawQuery(database.url, "DELETE FROM accounts WHERE id = 'dddddddd-0000-4000-8000-000000000001'");
    }
  });
});
