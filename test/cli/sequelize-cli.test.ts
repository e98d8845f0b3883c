import { spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import path from "node:path";
import { INITIAL_MIGRATION_NAME } from "../../src/migrations/renderMigration";
import { runAuthdb } from "../helpers/cli";
import { createMariaDatabase, createPostgresDatabase, createTempDir, mysqlQuery, pgQuery, type TestDatabase } from "../helpers/databases";

/** Our files and our SequelizeMeta must work with sequelize-cli, in both directions. */
const SEQUELIZE_CLI = require.resolve("sequelize-cli/lib/sequelize");

function sequelizeCli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [SEQUELIZE_CLI, ...args], { cwd, encoding: "utf8" });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

const targets: Array<{ name: string; create: (label: string) => Promise<TestDatabase>; usersTable: (url: string) => Promise<unknown[]>; history: (url: string) => Promise<unknown[]> }> = [
  {
    name: "PostgreSQL",
    create: createPostgresDatabase,
    usersTable: (url) => pgQuery(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = 'users'"),
    history: (url) => pgQuery(url, `SELECT name FROM "SequelizeMeta"`),
  },
  {
    name: "MariaDB",
    create: createMariaDatabase,
    usersTable: (url) => mysqlQuery(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'users'"),
    history: (url) => mysqlQuery(url, "SELECT name FROM `SequelizeMeta`"),
  },
];

describe.each(targets)("sequelize-cli interop on $name", (target) => {
  let tmp: ReturnType<typeof createTempDir>;
  let db: TestDatabase;
  beforeEach(async () => {
    tmp = createTempDir("sequelize-cli");
    db = await target.create("sequelize_cli");
    cpSync(path.join(__dirname, "..", "..", "migrations"), path.join(tmp.dir, "migrations"), { recursive: true });
  });
  afterEach(async () => {
    await db.drop();
    tmp.cleanup();
  });

  test("sequelize-cli runs our migration; authdb then sees it applied and has nothing to do", async () => {
    const cli = sequelizeCli(["db:migrate", "--url", db.url, "--migrations-path", "migrations"], tmp.dir);
    expect(cli.out).toContain(`${INITIAL_MIGRATION_NAME.replace(/\.js$/, "")}: migrated`);
    expect(cli.code).toBe(0);
    const status = JSON.parse((await runAuthdb(["status", "--json", "--url", db.url], { cwd: tmp.dir })).stdout).data;
    expect(status.applied).toEqual([
      { name: INITIAL_MIGRATION_NAME, appliedAt: null, state: "no-checksum" },
      { name: "20261123000001-authdb-expiry-indexes.js", appliedAt: null, state: "no-checksum" },
      { name: "20261123000002-authdb-exact-text.js", appliedAt: null, state: "no-checksum" },
    ]);
    const migrate = await runAuthdb(["migrate", "--url", db.url], { cwd: tmp.dir });
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain("Already up to date");
  });

  test("authdb migrates; sequelize-cli reports it up and can undo it", async () => {
    expect((await runAuthdb(["migrate", "--url", db.url], { cwd: tmp.dir })).code).toBe(0);
    const status = sequelizeCli(["db:migrate:status", "--url", db.url, "--migrations-path", "migrations"], tmp.dir);
    expect(status.out).toContain(`up ${INITIAL_MIGRATION_NAME}`);
    const undo = sequelizeCli(["db:migrate:undo:all", "--url", db.url, "--migrations-path", "migrations"], tmp.dir);
    expect(undo.code).toBe(0);
    expect(await target.usersTable(db.url)).toEqual([]);
    expect(await target.history(db.url)).toEqual([]);
  });
});
