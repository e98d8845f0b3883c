/**
 * Issue 7 item 14: PostgreSQL schemas. authdb's tables and its migration history live in the schema the
 * connection creates tables in (search_path), or in the configured `schema`; never assumed to be `public`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { Sequelize } from "sequelize";
import { SequelizeAdapter, migrate } from "../../src";
import { AUTHDB_BIN, runAuthdb } from "../helpers/cli";
import { pgQuery } from "../helpers/databases";
import { AUTHJS_TABLES, DIALECTS, EXACT_TEXT, EXPIRY_INDEXES, INITIAL, STACK_FRAME, createProject, fixture, listTables, waitFor, type TestProject } from "./support";

const postgres = DIALECTS.find((d) => d.dialect === "postgres")!;
const sqlite = DIALECTS.find((d) => d.dialect === "sqlite")!;
const BOOKKEEPING = ["SequelizeMeta", "authdb_migrations"];

/** The built CLI in `dir` against `url` (project.authdb would append the project's own URL). */
function runIn(dir: string, url: string, args: string[], env: Record<string, string | undefined> = {}) {
  return runAuthdb([...args, "--url", url], { cwd: dir, env: { CI: undefined, DATABASE_URL: undefined, ...env } });
}

/** Sets `schema` in the project's authdb.config.js (as a user would write it). */
function configureSchema(project: TestProject, schema: string): void {
  const file = path.join(project.dir, "authdb.config.js");
  const source = readFileSync(file, "utf8");
  const edited = source.replace(/^(\s*)migrationsDir:/m, `$1schema: ${JSON.stringify(schema)},\n$1migrationsDir:`);
  expect(edited).not.toBe(source);
  writeFileSync(file, edited);
}

/** Tables per schema, read from outside authdb. */
async function tablesIn(url: string, schema: string): Promise<string[]> {
  const rows = await pgQuery<{ name: string }>(url, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1", [schema]);
  return rows.map((r) => r.name).sort();
}

/** With the URL's `?options=-c search_path=…`; the URL authdb is given in the search_path tests. */
function withSearchPath(url: string, schema: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}options=-c%20search_path%3D${schema}`;
}

/** A user and a session through the adapter, read back by the session token: proves the adapter's SQL finds the tables. */
async function adapterRoundTrip(client: string | Sequelize, config: { schema?: string } = {}): Promise<void> {
  const adapter = SequelizeAdapter(client, config);
  try {
    const user = await adapter.createUser({ id: "", email: `someone-${Date.now()}@example.com`, emailVerified: null });
    await adapter.createSession({ sessionToken: `token-${user.id}`, userId: user.id, expires: new Date(Date.now() + 60_000) });
    const found = await adapter.getSessionAndUser(`token-${user.id}`);
    expect(found?.user.id).toBe(user.id);
  } finally {
    await adapter.close();
  }
}

describe("search_path set outside authdb (no schema in config)", () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  const cases: Array<{ how: string; url: (project: TestProject) => Promise<string> }> = [
    { how: "the URL's options=-c search_path=auth", url: async (p) => withSearchPath(p.db.url, "auth") },
    {
      how: "ALTER DATABASE … SET search_path = auth",
      url: async (p) => {
        const name = new URL(p.db.url).pathname.slice(1);
        await pgQuery(p.db.url, `ALTER DATABASE "${name}" SET search_path = auth`);
        return p.db.url;
      },
    },
  ];

  test.each(cases)("via $how: migrate, status --check, a second migrate, check and the adapter all find the tables in auth", async ({ url }) => {
    project = await createProject("search_path", postgres);
    await pgQuery(project.db.url, "CREATE SCHEMA auth");
    const target = await url(project);
    const run = (args: string[]) => runIn(project.dir, target, args);

    const first = await run(["migrate"]);
    expect(first.code).toBe(0);
    expect(await tablesIn(project.db.url, "auth")).toEqual([...AUTHJS_TABLES, ...BOOKKEEPING].sort());
    expect(await tablesIn(project.db.url, "public")).toEqual([]);

    const status = await run(["status", "--check"]);
    expect(status.stdout).toContain("3 applied, 0 pending");
    expect(status.code).toBe(0);

    const again = await run(["migrate"]);
    expect(again.stdout).toMatch(/Already up to date: 3 migrations applied, none pending/);
    expect(again.code).toBe(0);

    const check = await run(["check"]);
    expect(check.stdout).toContain("the database matches the schema");
    expect(check.code).toBe(0);

    await adapterRoundTrip(target);
  });

  test("a search_path that names no existing schema: migrate says so and how to fix it", async () => {
    project = await createProject("no_schema", postgres);
    const result = await runIn(project.dir, withSearchPath(project.db.url, "missing_schema"), ["migrate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/search_path \(missing_schema\) names no existing schema/);
    expect(result.stderr).toContain('schema: "<name>"');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('schema: "next_auth" in the config', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  test("the CLI creates the schema and puts every table and the history there; public stays empty; down reverts there", async () => {
    project = await createProject("next_auth", postgres);
    configureSchema(project, "next_auth");

    const migrated = await project.authdb(["migrate"]);
    expect(migrated.code).toBe(0);
    expect(await tablesIn(project.db.url, "next_auth")).toEqual([...AUTHJS_TABLES, ...BOOKKEEPING].sort());
    expect(await tablesIn(project.db.url, "public")).toEqual([]);
    expect(await pgQuery(project.db.url, `SELECT name FROM next_auth."SequelizeMeta"`)).toEqual([{ name: INITIAL }, { name: EXPIRY_INDEXES }, { name: EXACT_TEXT }]);

    expect((await project.authdb(["status", "--check"])).code).toBe(0);
    expect((await project.authdb(["migrate"])).stdout).toMatch(/Already up to date/);
    const check = await project.authdb(["check"]);
    expect(check.stdout).toContain("the database matches the schema");
    expect(check.code).toBe(0);

    const down = await project.authdb(["down", "--to", "0"]);
    expect(down.code).toBe(0);
    expect(await tablesIn(project.db.url, "next_auth")).toEqual(BOOKKEEPING);
    expect((await project.authdb(["status", "--check"])).code).toBe(4);
    expect((await project.authdb(["migrate"])).code).toBe(0);

    // The app connects with the default search_path: the adapter qualifies its SQL with the schema.
    await adapterRoundTrip(project.db.url, { schema: "next_auth" });
  });

  test("migrate(sequelize, { schema }) on the app's instance: tables land in the schema, the instance's search_path is left as it was", async () => {
    project = await createProject("programmatic", postgres);
    const sequelize = new Sequelize(project.db.url, { logging: false, pool: { max: 3 } });
    try {
      const result = await migrate(sequelize, { schema: "next_auth" });
      expect(result.migrations.map((m) => m.name)).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
      expect(await tablesIn(project.db.url, "next_auth")).toEqual([...AUTHJS_TABLES, ...BOOKKEEPING].sort());
      expect(await tablesIn(project.db.url, "public")).toEqual([]);
      // Every pooled connection is back in its own search_path.
      const paths = await Promise.all([1, 2, 3].map(() => sequelize.transaction((t) => sequelize.query("SHOW search_path", { transaction: t, plain: true }))));
      for (const row of paths) expect(row).toEqual({ search_path: '"$user", public' });
      expect((await migrate(sequelize, { schema: "next_auth" })).migrations).toEqual([]);
      await adapterRoundTrip(sequelize, { schema: "next_auth" });
    } finally {
      await sequelize.close();
    }
  });

  test("an invalid schema name is a config error naming the field, before anything reaches the database", async () => {
    project = await createProject("bad_schema", postgres);
    configureSchema(project, "next-auth");
    const result = await project.authdb(["migrate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/schema: "next-auth" may only contain letters, digits and underscores/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(await tablesIn(project.db.url, "public")).toEqual([]);
  });

  test("on SQLite the schema is ignored: the same config migrates the one file", async () => {
    project = await createProject("sqlite_schema", sqlite);
    configureSchema(project, "next_auth");
    const migrated = await project.authdb(["migrate"]);
    expect(migrated.code).toBe(0);
    expect(await listTables(project.db.url)).toEqual(expect.arrayContaining([...AUTHJS_TABLES, ...BOOKKEEPING]));
    expect((await project.authdb(["status", "--check"])).code).toBe(0);
    expect((await project.authdb(["check"])).code).toBe(0);
    await adapterRoundTrip(project.db.url, { schema: "next_auth" });
  });
});

describe("a schema-less migration file in a configured schema", () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  test("addColumn/removeColumn reach the schema's table, never another app's table of the same name in public", async () => {
    project = await createProject("add_column_schema", postgres);
    // Another app's users table, with data, in public.
    await pgQuery(project.db.url, "CREATE TABLE public.users (id integer PRIMARY KEY, handle text)");
    await pgQuery(project.db.url, "INSERT INTO public.users VALUES (1, 'keep me')");
    configureSchema(project, "next_auth");
    writeFileSync(
      path.join(project.migrationsDir, "20261124000000-add-nickname.js"),
      `module.exports = {
  async up(queryInterface, Sequelize) { await queryInterface.addColumn("users", "nickname", { type: Sequelize.STRING(32) }); },
  async down(queryInterface) { await queryInterface.removeColumn("users", "nickname"); },
};
`,
    );
    expect((await project.authdb(["migrate"])).code).toBe(0);
    const columns = (schema: string) =>
      pgQuery<{ name: string }>(project.db.url, "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'users'", [schema]).then((rows) =>
        rows.map((r) => r.name).sort(),
      );
    expect(await columns("next_auth")).toContain("nickname");
    expect(await columns("public")).toEqual(["handle", "id"]);
    expect((await project.authdb(["down"])).code).toBe(0);
    expect(await columns("next_auth")).not.toContain("nickname");
    expect(await pgQuery(project.db.url, "SELECT handle FROM public.users")).toEqual([{ handle: "keep me" }]);
  });

  test("migrate(sequelize, { schema }) gives each connection back the search_path the app had set, not the server default", async () => {
    project = await createProject("restore_path", postgres);
    await pgQuery(project.db.url, "CREATE SCHEMA appschema");
    const sequelize = new Sequelize(project.db.url, {
      logging: false,
      pool: { max: 2 },
      hooks: { afterConnect: async (connection) => void (await (connection as { query(sql: string): Promise<unknown> }).query("SET search_path TO appschema")) },
    });
    try {
      await migrate(sequelize, { schema: "next_auth" });
      const paths = await Promise.all([1, 2].map(() => sequelize.transaction((t) => sequelize.query("SHOW search_path", { transaction: t, plain: true }))));
      for (const row of paths) expect(row).toEqual({ search_path: "appschema" });
    } finally {
      await sequelize.close();
    }
  });
});

describe("two apps in two schemas of one database", () => {
  let a: TestProject;
  let b: TestProject;
  afterEach(async () => {
    await a?.cleanup();
    await b?.cleanup();
  });

  test("each migrates and reverts on its own, and one holding the lock does not block the other", async () => {
    a = await createProject("two_a", postgres, [fixture.sleeps]);
    b = await createProject("two_b", postgres);
    configureSchema(a, "app_a");
    configureSchema(b, "app_b");
    const url = a.db.url;
    const inA = (args: string[]) => runIn(a.dir, url, args);
    const inB = (args: string[]) => runIn(b.dir, url, args);

    // a's sleeping migration holds a's lock while b migrates with a short lock timeout.
    const child = spawn(process.execPath, [AUTHDB_BIN, "migrate", "--url", url], {
      cwd: a.dir,
      env: { ...process.env, NO_COLOR: "1", AUTHDB_TEST_SLEEP_MS: "8000" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    await waitFor(async () => JSON.parse((await inA(["status", "--json"])).stdout).data.lock.held === true, 20_000, "a to hold its lock");

    expect(JSON.parse((await inB(["status", "--json"])).stdout).data.lock).toEqual({ held: false });
    // Only the initial migration meanwhile: the expiry-index one builds CONCURRENTLY, which PostgreSQL makes
    // wait for every older transaction in the database (a's sleeping one), lock or no lock.
    const bMigrate = await inB(["migrate", "--to", INITIAL, "--lock-timeout", "3"]);
    expect(bMigrate.code).toBe(0);
    expect(bMigrate.stdout + bMigrate.stderr).not.toMatch(/waiting|held by/i);
    expect(JSON.parse((await inA(["status", "--json"])).stdout).data.lock.held).toBe(true);

    expect(await exited).toBe(0);
    expect((await inB(["migrate"])).code).toBe(0);
    expect(await tablesIn(url, "app_a")).toEqual([...AUTHJS_TABLES, ...BOOKKEEPING, "slow"].sort());
    expect(await tablesIn(url, "app_b")).toEqual([...AUTHJS_TABLES, ...BOOKKEEPING].sort());
    expect(await tablesIn(url, "public")).toEqual([]);

    // Reverting b touches only b's schema and history.
    expect((await inB(["down", "--to", "0"])).code).toBe(0);
    expect(await tablesIn(url, "app_b")).toEqual(BOOKKEEPING);
    expect(await tablesIn(url, "app_a")).toEqual([...AUTHJS_TABLES, ...BOOKKEEPING, "slow"].sort());
    expect((await inA(["status", "--check"])).code).toBe(0);
    expect((await inB(["status", "--check"])).code).toBe(4);
  });
});
