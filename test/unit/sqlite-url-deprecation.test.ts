import { spawnSync } from "node:child_process";
import path from "node:path";
import { AUTHDB_BIN } from "../helpers/cli";
import { createTempDir } from "../helpers/databases";

/**
 * `sqlite::memory:` is not a URL Node's legacy parser accepts: handed to `new Sequelize(url)` it prints
 * `DEP0170 … is invalid` (and a later Node will throw). authdb reads SQLite URLs itself and gives Sequelize
 * a `storage`; run with --throw-deprecation, any deprecation on these paths fails the process.
 */
const ROOT = path.join(__dirname, "..", "..");

function runNode(args: string[], cwd: string) {
  // Without CI: with CI=true authdb refuses to fall back to the local SQLite file, the path under test here.
  const { CI: _ci, ...env } = process.env;
  return spawnSync(process.execPath, ["--throw-deprecation", ...args], { cwd, encoding: "utf8", env: { ...env, NO_COLOR: "1" } });
}

describe("SQLite URLs built or read by authdb raise no deprecation", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeAll(() => {
    tmp = createTempDir("sqlite-url");
  });
  afterAll(() => tmp.cleanup());

  test("the guard works: Sequelize given the URL itself does deprecate", () => {
    const result = runNode(["-e", `const { Sequelize } = require("sequelize"); new Sequelize("sqlite::memory:", { logging: false });`], ROOT);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("DEP0170");
  });

  test.each([
    ["SequelizeAdapter(url)", `SequelizeAdapter("sqlite::memory:")`],
    ["SequelizeAdapter({ url })", `SequelizeAdapter({ url: "sqlite::memory:" })`],
  ])("%s with sqlite::memory:, migrated and used", (_, make) => {
    const script = `const { SequelizeAdapter, migrate } = require(${JSON.stringify(ROOT)});
      const adapter = ${make};
      migrate(adapter.sequelize, {})
        .then(() => adapter.createUser({ id: "8a1b7b52-4ad4-4f0f-9e61-1b5f0c2f9d10", email: "ada@example.com", emailVerified: null }))
        .then((user) => adapter.getUser(user.id))
        .then((user) => { console.log(user.email); return adapter.close(); });`;
    const result = runNode(["-e", script], tmp.dir);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("ada@example.com");
    expect(result.status).toBe(0);
  });

  test.each([
    ["--url sqlite::memory:", ["status", "--url", "sqlite::memory:"]],
    ["the default SQLite file", ["status"]],
  ])("authdb status with %s", (_, args) => {
    const result = runNode([AUTHDB_BIN, ...args], tmp.dir);
    expect(result.stderr).not.toContain("DeprecationWarning");
    expect(result.status).toBe(0);
  });
});
