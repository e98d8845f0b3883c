import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Database } from "sqlite3";
import { InvalidInputError } from "../../src/errors";
import { migrationExtension, projectModuleSystem } from "../../src/migrations/moduleSystem";
import { initialMigrationName, migrationFileName } from "../../src/migrations/renderMigration";
import { runAuthdb } from "../helpers/cli";
import { createPostgresDatabase, createTempDir, pgQuery, type TestDatabase } from "../helpers/databases";

/**
 * Issue 8 items 4 and 5: in a `"type": "module"` project (SvelteKit, many Next.js apps) a `.js` file is an
 * ES module, so authdb writes its CommonJS migrations as `.cjs` and its config as ESM; in a CommonJS
 * project nothing changes. Either way sequelize-cli runs the same files into the same SequelizeMeta.
 */
const ROOT = path.join(__dirname, "..", "..");
const SEQUELIZE_CLI = require.resolve("sequelize-cli/lib/sequelize");
const INITIAL_JS = initialMigrationName(".js");
const INITIAL_CJS = initialMigrationName(".cjs");
/** Files named like migrations: the folder may also hold other things authdb writes (a schema snapshot). */
const MIGRATION = /^\d{14}-.*\.c?js$/;

function sequelizeCli(args: string[], cwd: string, url: string) {
  const result = spawnSync(process.execPath, [SEQUELIZE_CLI, ...args, "--url", url, "--migrations-path", "migrations"], { cwd, encoding: "utf8" });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

/** A project folder with its package.json and `authdb` installed, as `npm install authdb` would leave it. */
function createProject(label: string, manifest: Record<string, unknown>): ReturnType<typeof createTempDir> {
  const tmp = createTempDir(label);
  writeFileSync(path.join(tmp.dir, "package.json"), JSON.stringify({ name: "app", private: true, ...manifest }));
  mkdirSync(path.join(tmp.dir, "node_modules"));
  symlinkSync(ROOT, path.join(tmp.dir, "node_modules", "authdb"), "dir");
  return tmp;
}

function migrationFiles(dir: string): string[] {
  return readdirSync(path.join(dir, "migrations")).filter((name) => MIGRATION.test(name)).sort();
}

/** The template's commented example, switched on: proves the file `create` writes runs as written. */
function fillAddRole(file: string): void {
  const source = readFileSync(file, "utf8")
    .replace("// await queryInterface.addColumn('users', 'phone_number'", "await queryInterface.addColumn('users', 'role'")
    .replace("// await queryInterface.removeColumn('users', 'phone_number')", "await queryInterface.removeColumn('users', 'role')");
  expect(source).toContain("await queryInterface.addColumn('users', 'role'");
  writeFileSync(file, source);
}

interface Target {
  name: string;
  create(dir: string, label: string): Promise<TestDatabase>;
  userColumns(db: TestDatabase): Promise<string[]>;
}

function sqliteColumns(file: string, table: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const db = new Database(file);
    db.all(`PRAGMA table_info(${table})`, (error, rows: Array<{ name: string }>) => db.close(() => (error ? reject(error) : resolve(rows.map((r) => r.name)))));
  });
}

const targets: Target[] = [
  {
    name: "SQLite",
    create: async (dir, label) => ({ url: `sqlite:${path.join(dir, `${label}.sqlite`)}`, drop: async () => undefined }),
    userColumns: (db) => sqliteColumns(db.url.slice("sqlite:".length), "users"),
  },
  {
    name: "PostgreSQL",
    create: (_, label) => createPostgresDatabase(`module_systems_${label}`),
    userColumns: async (db) =>
      (await pgQuery<{ column_name: string }>(db.url, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users'")).map(
        (r) => r.column_name,
      ),
  },
];

const systems = [
  { system: "a \"type\": \"module\" project", manifest: { type: "module" }, extension: ".cjs" as const, configSyntax: /^import \{ defineConfig \} from "authdb";$/m },
  { system: "a CommonJS project", manifest: {}, extension: ".js" as const, configSyntax: /^const \{ defineConfig \} = require\("authdb"\);$/m },
];

describe.each(systems)("$system", ({ manifest, extension, configSyntax }) => {
  const initial = initialMigrationName(extension);
  let tmp: ReturnType<typeof createTempDir>;
  const run = (...args: string[]) => runAuthdb(args, { cwd: tmp.dir, env: { CI: undefined, NODE_ENV: undefined, DATABASE_URL: undefined } });
  let addRole: string;

  beforeAll(async () => {
    tmp = createProject("module-systems", manifest);
    const init = await run("init");
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`Created ${path.join("migrations", initial)}`);
    const created = await run("create", "add role");
    expect(created.code).toBe(0);
    addRole = migrationFiles(tmp.dir).find((name) => name.endsWith(`-add-role${extension}`)) as string;
    expect(created.stdout).toContain(`Created ${path.join("migrations", addRole)}`);
    fillAddRole(path.join(tmp.dir, "migrations", addRole));
  });
  afterAll(() => tmp.cleanup());

  test(`init and create write ${extension} migrations, and the config in the project's module system`, () => {
    const files = migrationFiles(tmp.dir);
    expect(files).toContain(initial);
    expect(files).toContain(addRole);
    expect(files.filter((name) => !name.endsWith(extension))).toEqual([]);
    expect(readFileSync(path.join(tmp.dir, "authdb.config.js"), "utf8")).toMatch(configSyntax);
  });

  test("the app imports the config as the docs show, and authdb's own loader reads it", async () => {
    const configFile = path.join(tmp.dir, "authdb.config.js");
    const original = readFileSync(configFile, "utf8");
    writeFileSync(configFile, original.replace(`// phoneNumber: "STRING",`, `phoneNumber: "STRING",`));
    try {
      // An ES module app file (.mjs is one in either project) through the package's real "authdb" entry.
      writeFileSync(path.join(tmp.dir, "app.mjs"), `import config from "./authdb.config.js";\nconsole.log(JSON.stringify(config));\n`);
      const imported = JSON.parse(execFileSync(process.execPath, ["app.mjs"], { cwd: tmp.dir, encoding: "utf8" }));
      expect(imported).toMatchObject({ migrationsDir: "migrations", extend: { User: { phoneNumber: "STRING" } } });
      // CommonJS code can require it only where it is CommonJS; a "type": "module" app imports it.
      if (extension === ".js") {
        writeFileSync(path.join(tmp.dir, "app.js"), `const config = require("./authdb.config.js");\nconsole.log(JSON.stringify(config));\n`);
        expect(JSON.parse(execFileSync(process.execPath, ["app.js"], { cwd: tmp.dir, encoding: "utf8" })).extend.User.phoneNumber).toBe("STRING");
      }
      const { loadConfig } = require(path.join(ROOT, "dist", "config")) as typeof import("../../src/config");
      const { schema } = await loadConfig({ cwd: tmp.dir });
      expect(schema.tables.User.columns.map((c) => c.column)).toContain("phone_number");
    } finally {
      writeFileSync(configFile, original);
    }
  });

  describe.each(targets)("on $name", (target) => {
    const databases: TestDatabase[] = [];
    const database = async (label: string) => {
      const db = await target.create(tmp.dir, label);
      databases.push(db);
      return db;
    };
    afterAll(async () => {
      for (const db of databases) await db.drop();
    });

    test("authdb migrates; sequelize-cli sees it applied, runs the rest into the same SequelizeMeta; authdb status shows it", async () => {
      const db = await database("authdb_first");
      const migrate = await run("migrate", "--url", db.url, "--to", initial);
      expect(migrate.stderr).toBe("");
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toMatch(new RegExp(`✔ ${initial.replace(/\./g, "\\.")}\\s+\\d+ ms`));

      const cliStatus = sequelizeCli(["db:migrate:status"], tmp.dir, db.url);
      expect(cliStatus.out).toContain(`up ${initial}`);
      expect(cliStatus.out).toContain(`down ${addRole}`);
      const cli = sequelizeCli(["db:migrate"], tmp.dir, db.url);
      expect(cli.out).toContain(`${addRole.replace(extension, "")}: migrated`);
      expect(cli.code).toBe(0);
      expect(await target.userColumns(db)).toContain("role");

      const status = await run("status", "--json", "--url", db.url);
      expect(status.code).toBe(0);
      const doc = JSON.parse(status.stdout).data;
      expect(doc.pending).toEqual([]);
      expect(doc.applied).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: initial, state: "ok" }), expect.objectContaining({ name: addRole, state: "no-checksum" })]),
      );
    });

    test("sequelize-cli migrates first; authdb sees every file applied and has nothing to do", async () => {
      const db = await database("cli_first");
      const cli = sequelizeCli(["db:migrate"], tmp.dir, db.url);
      expect(cli.out).toContain(`${initial.replace(extension, "")}: migrated`);
      expect(cli.out).toContain(`${addRole.replace(extension, "")}: migrated`);
      expect(cli.code).toBe(0);

      const status = JSON.parse((await run("status", "--json", "--url", db.url)).stdout).data;
      expect(status.pending).toEqual([]);
      expect(status.applied.map((m: { name: string }) => m.name)).toEqual(expect.arrayContaining([initial, addRole]));
      expect(status.applied.every((m: { state: string }) => m.state === "no-checksum")).toBe(true);
      const migrate = await run("migrate", "--url", db.url);
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toContain("Already up to date");
      expect(await target.userColumns(db)).toContain("role");
    });
  });
});

describe('a "type": "module" project whose initial migration an older authdb wrote as CommonJS .js', () => {
  let tmp: ReturnType<typeof createTempDir>;
  let db: TestDatabase;
  const run = (...args: string[]) => runAuthdb(args, { cwd: tmp.dir, env: { CI: undefined, NODE_ENV: undefined, DATABASE_URL: undefined } });
  beforeAll(async () => {
    // Written in a CommonJS project, which then became "type": "module" (or was initialised before .cjs).
    tmp = createProject("module-legacy", {});
    expect((await run("init")).code).toBe(0);
    writeFileSync(path.join(tmp.dir, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    writeFileSync(path.join(tmp.dir, "authdb.config.js"), `import { defineConfig } from "authdb";\nexport default defineConfig({ migrationsDir: "migrations" });\n`);
    db = await createPostgresDatabase("module_systems_legacy");
  });
  afterAll(async () => {
    await db.drop();
    tmp.cleanup();
  });

  test("authdb migrate still runs it, and init neither overwrites it nor writes a .cjs twin", async () => {
    const migrate = await run("migrate", "--url", db.url);
    expect(migrate.stderr).toBe("");
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(/✔ 20261123000000-authdb-initial\.js\s+\d+ ms/);
    const again = await run("init");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${path.join("migrations", INITIAL_JS)} already exists`);
    expect(migrationFiles(tmp.dir).filter((name) => name.includes("-authdb-initial."))).toEqual([INITIAL_JS]);
  });

  test("sequelize-cli cannot load the .js file there: the reason docs/getting-started.md gives for renaming it", async () => {
    const fresh = await createPostgresDatabase("module_systems_legacy_fresh");
    try {
      const cli = sequelizeCli(["db:migrate"], tmp.dir, fresh.url);
      expect(cli.out).toMatch(/module is not defined in ES module scope/);
      expect(cli.code).not.toBe(0);
    } finally {
      await fresh.drop();
    }
  });

  test("renamed to .cjs without renaming its record, migrate refuses and names the missing .js (never re-runs it)", async () => {
    renameSync(path.join(tmp.dir, "migrations", INITIAL_JS), path.join(tmp.dir, "migrations", INITIAL_CJS));
    const migrate = await run("migrate", "--url", db.url);
    expect(migrate.code).toBe(6);
    expect(migrate.stderr).toContain(INITIAL_JS);
    expect(migrate.stderr).not.toMatch(/\n\s+at /);
    const recorded = (await pgQuery<{ name: string }>(db.url, `SELECT name FROM "SequelizeMeta"`)).map((r) => r.name);
    expect(recorded).toContain(INITIAL_JS);
    expect(recorded).not.toContain(INITIAL_CJS);
  });

  test("the documented rename of the record makes both tools agree on the .cjs file, checksum intact", async () => {
    // docs/getting-started.md, "Projects with "type": "module"": the two statements, on every database that applied it.
    await pgQuery(db.url, `UPDATE "SequelizeMeta" SET name = $1 WHERE name = $2`, [INITIAL_CJS, INITIAL_JS]);
    await pgQuery(db.url, `UPDATE authdb_migrations SET name = $1 WHERE name = $2`, [INITIAL_CJS, INITIAL_JS]);
    const status = JSON.parse((await run("status", "--json", "--url", db.url)).stdout).data;
    expect(status.pending).toEqual([]);
    expect(status.applied).toContainEqual(expect.objectContaining({ name: INITIAL_CJS, state: "ok" }));
    expect(status.applied.filter((m: { state: string }) => m.state !== "ok")).toEqual([]);
    expect((await run("migrate", "--url", db.url)).stdout).toContain("Already up to date");
    expect(sequelizeCli(["db:migrate:status"], tmp.dir, db.url).out).toContain(`up ${INITIAL_CJS}`);
  });

  test("both files side by side is refused by init, naming both", async () => {
    writeFileSync(path.join(tmp.dir, "migrations", INITIAL_JS), readFileSync(path.join(tmp.dir, "migrations", INITIAL_CJS)));
    const init = await run("init");
    expect(init.code).toBe(2);
    expect(init.stderr).toContain(`holds the initial migration twice: ${INITIAL_JS} and ${INITIAL_CJS}`);
    expect(init.stderr).toMatch(/Hint: Keep the one your databases recorded in SequelizeMeta/);
  });
});

describe("which module system a folder is in", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeEach(() => (tmp = createTempDir("module-system-unit")));
  afterEach(() => tmp.cleanup());

  test("the nearest package.json decides, as Node decides, even for a folder not created yet", () => {
    writeFileSync(path.join(tmp.dir, "package.json"), JSON.stringify({ type: "module" }));
    expect(projectModuleSystem(tmp.dir)).toBe("module");
    expect(migrationExtension(path.join(tmp.dir, "db", "migrations"))).toBe(".cjs");
    // A folder may opt back into CommonJS with its own package.json.
    mkdirSync(path.join(tmp.dir, "db"));
    writeFileSync(path.join(tmp.dir, "db", "package.json"), JSON.stringify({ type: "commonjs" }));
    expect(migrationExtension(path.join(tmp.dir, "db", "migrations"))).toBe(".js");
  });

  test("no package.json, or one without type, is CommonJS; a node_modules folder is a boundary", () => {
    expect(projectModuleSystem(tmp.dir)).toBe("commonjs");
    writeFileSync(path.join(tmp.dir, "package.json"), JSON.stringify({ type: "module" }));
    expect(projectModuleSystem(path.join(tmp.dir, "node_modules", "pkg"))).toBe("commonjs");
    writeFileSync(path.join(tmp.dir, "package.json"), JSON.stringify({ name: "x" }));
    expect(migrationExtension(tmp.dir)).toBe(".js");
  });

  test("a broken package.json is a clear error, not a guess", () => {
    writeFileSync(path.join(tmp.dir, "package.json"), "{ type: module");
    expect(() => projectModuleSystem(tmp.dir)).toThrow(InvalidInputError);
    expect(() => projectModuleSystem(tmp.dir)).toThrow(/cannot read .*package\.json to tell whether \.js files there are CommonJS or ES modules/);
  });

  test("migration file names take the extension", () => {
    const date = new Date("2026-11-23T09:30:15Z");
    expect(migrationFileName("add role", date, ".cjs")).toBe("20261123093015-add-role.cjs");
    expect(migrationFileName("add role", date)).toBe("20261123093015-add-role.js");
    expect(INITIAL_CJS).toBe("20261123000000-authdb-initial.cjs");
  });
});
