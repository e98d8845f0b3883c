import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createTempDir } from "../helpers/databases";

/**
 * The package as a user gets it: `import … from "authdb"` from CommonJS and from an ES module, at run time
 * and for the TypeScript compiler (node16 and bundler resolution), through package.json "exports".
 */
const ROOT = path.join(__dirname, "..", "..");
const TSC = require.resolve("typescript/bin/tsc");

describe("the authdb package seen from a consumer project", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeAll(() => {
    tmp = createTempDir("consumer");
    mkdirSync(path.join(tmp.dir, "node_modules"));
    symlinkSync(ROOT, path.join(tmp.dir, "node_modules", "authdb"), "dir");
    // The consumer's own Sequelize, as `npm install authdb sequelize` would give it.
    symlinkSync(path.join(ROOT, "node_modules", "sequelize"), path.join(tmp.dir, "node_modules", "sequelize"), "dir");
    writeFileSync(path.join(tmp.dir, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  });
  afterAll(() => tmp.cleanup());

  test("an ES module gets a default export and the named exports", () => {
    writeFileSync(
      path.join(tmp.dir, "esm.mjs"),
      `import SequelizeAdapter, { SequelizeAdapter as Named, migrate, prune, models, defineConfig } from "authdb";
       console.log(JSON.stringify([typeof SequelizeAdapter, SequelizeAdapter === Named, typeof migrate, typeof prune, typeof models.User.email, defineConfig({ migrationsDir: "m" }).migrationsDir]));`,
    );
    const out = execFileSync(process.execPath, ["esm.mjs"], { cwd: tmp.dir, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual(["function", true, "function", "function", "object", "m"]);
  });

  test("CommonJS gets the same functions, and .default for transpiled default imports", () => {
    writeFileSync(
      path.join(tmp.dir, "cjs.cjs"),
      `const authdb = require("authdb");
       console.log(JSON.stringify([typeof authdb.SequelizeAdapter, authdb.default === authdb.SequelizeAdapter, typeof authdb.migrate, typeof authdb.prune]));`,
    );
    const out = execFileSync(process.execPath, ["cjs.cjs"], { cwd: tmp.dir, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual(["function", true, "function", "function"]);
  });

  const consumerSource = `import SequelizeAdapter, { SequelizeAdapter as Named, migrate, prune, defineConfig, type AuthdbConfig, type PruneResult } from "authdb";
import { Sequelize } from "sequelize";
const config: AuthdbConfig = defineConfig({ extend: { User: { phoneNumber: "STRING" } } });
const sequelize = new Sequelize("sqlite::memory:");
const adapter = SequelizeAdapter(sequelize, config);
const same: typeof Named = SequelizeAdapter;
const done: Promise<unknown> = migrate(sequelize, config);
// A cron job's call: the result names rows removed per table.
const pruned: Promise<PruneResult> = prune(sequelize, config);
// @ts-expect-error: not a column type authdb knows
defineConfig({ extend: { User: { phoneNumber: "PHONE" } } });
export { adapter, same, done, pruned };
`;

  test.each([
    ["node16, ES module", "esm.mts", ["--module", "node16", "--moduleResolution", "node16"]],
    ["node16, CommonJS", "cjs.cts", ["--module", "node16", "--moduleResolution", "node16"]],
    ["bundler", "bundled.ts", ["--module", "esnext", "--moduleResolution", "bundler"]],
  ])("types resolve for TypeScript with %s", (_, file, flags) => {
    writeFileSync(path.join(tmp.dir, file), consumerSource);
    const result = spawnSync(process.execPath, [TSC, "--noEmit", "--strict", "--skipLibCheck", "--esModuleInterop", "--target", "es2022", "--types", "node", "--typeRoots", path.join(ROOT, "node_modules", "@types"), ...flags, file], {
      cwd: tmp.dir,
      encoding: "utf8",
    });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test("npm pack ships dist, bin, migrations and templates, and no sources or tests", () => {
    const [pack] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    const files: string[] = pack.files.map((f: { path: string }) => f.path);
    // generate renders change-migration.js.tmpl at run time; the migrations folder holds authdb's two built-in
    // migrations and the snapshot generate diffs against.
    for (const required of [
      "bin/authdb.js",
      "dist/index.js",
      "dist/index.mjs",
      "dist/index.d.ts",
      "dist/index.d.mts",
      "dist/cli/main.js",
      "templates/initial-migration.js.tmpl",
      "templates/change-migration.js.tmpl",
      "migrations/20261123000000-authdb-initial.js",
      "migrations/20261123000001-authdb-expiry-indexes.js",
      "migrations/20261123000002-authdb-exact-text.js",
      "migrations/authdb.snapshot.json",
      "package.json",
      "README.md",
    ]) {
      expect(files).toContain(required);
    }
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/"))).toEqual([]);
  });
});
