import { spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import path from "node:path";
import { INITIAL_MIGRATION_NAME } from "../../src/migrations/renderMigration";
import { runAuthdb } from "../helpers/cli";
import { createPostgresDatabase, createTempDir, pgQuery, type TestDatabase } from "../helpers/databases";

/** Our files and our SequelizeMeta must work with sequelize-cli, in both directions. */
const SEQUELIZE_CLI = require.resolve("sequelize-cli/lib/sequelize");

function sequelizeCli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [SEQUELIZE_CLI, ...args], { cwd, encoding: "utf8" });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe("sequelize-cli interop on PostgreSQL", () => {
  let tmp: ReturnType<typeof createTempDir>;
  let db: TestDatabase;
  beforeEach(async () => {
    tmp = createTempDir("sequelize-cli");
    db = await createPostgresDatabase("sequelize_cli");
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
    const tables = await pgQuery<{ tablename: string }>(db.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = 'users'");
    expect(tables).toEqual([]);
    expect(await pgQuery(db.url, `SELECT name FROM "SequelizeMeta"`)).toEqual([]);
  });
});
