import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { KEY_CLASS, lockObjectKey } from "../../src/migrator/lock/lockKey";
import { runAuthdb, type CliResult } from "../helpers/cli";
import { createPostgresDatabase, createSqliteDatabase, createTempDir, type TestDatabase } from "../helpers/databases";

/**
 * What each command loads: `--help` only commander, `status` only the driver of its database. Observed
 * from outside: a preloaded probe writes, as the process exits, every CommonJS file it loaded.
 */

const PROBE = `process.on("exit", () => require("node:fs").writeFileSync(process.env.AUTHDB_LOADED_FILES, JSON.stringify(Object.keys(require.cache))));\n`;

/** Sequelize's own code: the ORM, not the file of constants (query-types.js) that status's reads use. */
const SEQUELIZE_ORM = `sequelize${path.sep}lib${path.sep}sequelize.js`;

function packagesIn(files: string[]): Set<string> {
  const names = files.map((file) => new RegExp(`node_modules\\${path.sep}((?:@[^\\${path.sep}]+\\${path.sep})?[^\\${path.sep}]+)`).exec(file)?.[1]);
  return new Set(names.filter((name): name is string => Boolean(name)));
}

describe("what a command loads", () => {
  let tmp: ReturnType<typeof createTempDir>;
  let loadedFile: string;
  let probe: string;

  beforeAll(() => {
    tmp = createTempDir("lazy-loading");
    probe = path.join(tmp.dir, "probe.cjs");
    loadedFile = path.join(tmp.dir, "loaded.json");
    writeFileSync(probe, PROBE);
  });
  afterAll(() => tmp.cleanup());

  /** Runs authdb in `cwd` with the probe; returns its result and the files it loaded. */
  async function observe(args: string[], cwd: string): Promise<CliResult & { files: string[]; packages: Set<string> }> {
    const result = await runAuthdb(args, { cwd, env: { NODE_OPTIONS: `--require ${probe}`, AUTHDB_LOADED_FILES: loadedFile, CI: undefined, NODE_ENV: undefined } });
    const files = JSON.parse(readFileSync(loadedFile, "utf8")) as string[];
    return { ...result, files, packages: packagesIn(files) };
  }

  /** A project as `authdb init` writes it (its config requires "authdb"), migrated on `db`. */
  async function migratedProject(label: string, db: TestDatabase): Promise<string> {
    const dir = path.join(tmp.dir, label);
    mkdirSync(dir);
    expect((await runAuthdb(["init"], { cwd: dir })).code).toBe(0);
    expect((await runAuthdb(["migrate", "--url", db.url], { cwd: dir })).code).toBe(0);
    return dir;
  }

  test("--help loads commander and none of Sequelize, Umzug, jiti, zod or a database driver", async () => {
    const result = await observe(["--help"], tmp.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\s+status \[options\]/m);
    expect(result.packages.has("commander")).toBe(true);
    for (const name of ["sequelize", "umzug", "jiti", "zod", "pg", "sqlite3", "mysql2"]) expect(result.packages.has(name)).toBe(false);
  });

  describe("status on SQLite", () => {
    let db: TestDatabase;
    let dir: string;
    beforeAll(async () => {
      db = createSqliteDatabase("lazy-loading");
      dir = await migratedProject("lazy-loading-sqlite", db);
    });
    afterAll(() => db.drop());

    test("loads sqlite3, and neither pg nor mysql2 nor Umzug", async () => {
      const result = await observe(["status", "--url", db.url], dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("3 applied, 0 pending");
      expect(result.packages.has("sqlite3")).toBe(true);
      for (const name of ["pg", "mysql2", "umzug"]) expect(result.packages.has(name)).toBe(false);
    });
  });

  describe("status on PostgreSQL", () => {
    let db: TestDatabase;
    let dir: string;
    beforeAll(async () => {
      db = await createPostgresDatabase("lazy_loading");
      dir = await migratedProject("lazy-loading-pg", db);
    });
    afterAll(() => db.drop());

    test("loads pg, and not Sequelize's ORM, Umzug, jiti, zod, sqlite3 or mysql2", async () => {
      const result = await observe(["status", "--url", db.url], dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("3 applied, 0 pending");
      expect(result.packages.has("pg")).toBe(true);
      expect(result.files.filter((file) => file.endsWith(SEQUELIZE_ORM))).toEqual([]);
      for (const name of ["umzug", "jiti", "zod", "sqlite3", "mysql2"]) expect(result.packages.has(name)).toBe(false);
    });

    test("reads the same through pg alone as through Sequelize: applied, pending, and the lock holder", async () => {
      expect((await runAuthdb(["create", "add-nothing"], { cwd: dir })).code).toBe(0);
      // A run holding the lock, named the way authdb's lock names its connection.
      const holder = new Client({ connectionString: db.url, application_name: "authdb migrate pid=4242 host=elsewhere" });
      await holder.connect();
      try {
        await holder.query("SELECT pg_advisory_lock($1, $2)", [KEY_CLASS, lockObjectKey("public")]);
        const direct = await observe(["status", "--json", "--url", db.url], dir);
        // Query parameters are Sequelize's to interpret: such a URL is read through Sequelize.
        const throughSequelize = await observe(["status", "--json", "--url", `${db.url}?application_name=authdb_test`], dir);
        expect(direct.files.filter((file) => file.endsWith(SEQUELIZE_ORM))).toEqual([]);
        expect(throughSequelize.files.filter((file) => file.endsWith(SEQUELIZE_ORM))).not.toEqual([]);
        const documents = [direct, throughSequelize].map((result) => {
          expect(result.code).toBe(0);
          const { database, data } = JSON.parse(result.stdout) as { database: string; data: unknown };
          expect(database.startsWith(db.url)).toBe(true);
          return data;
        });
        expect(documents[0]).toEqual(documents[1]);
        expect(documents[0]).toMatchObject({ pending: [expect.stringMatching(/-add-nothing\.js$/)], lock: { held: true, pid: 4242, host: "elsewhere", command: "migrate" } });
        expect((documents[0] as { applied: unknown[] }).applied).toHaveLength(3);
      } finally {
        await holder.end();
      }
    });
  });
});
