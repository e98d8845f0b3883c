import { writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig, validateConfig } from "../../src/config";
import { resolveDatabaseUrl, parseDatabaseUrl, redactUrl } from "../../src/database";
import { redactUrlsInText } from "../../src/database/databaseUrl";
import { InvalidInputError } from "../../src/errors";
import { createTempDir } from "../helpers/databases";

describe("validateConfig", () => {
  test("an empty config gives the default schema", () => {
    expect(validateConfig({}).schema.tables.User.columns.map((c) => c.column)).toEqual(["id", "name", "email", "email_verified", "image"]);
  });

  test.each([
    [{ extnd: {} }, /unknown field "extnd"/],
    [{ migrationsDir: 42 }, /migrationsDir: .*string/i],
    [{ extend: { Users: { x: "TEXT" } } }, /extend\.Users: not an Auth\.js model; use one of User, Account/],
    [{ extend: { User: { phoneNumber: "PHONE" } } }, /extend\.User\.phoneNumber unknown type "PHONE"/],
    [[], /must export an object/],
  ])("rejects %j naming the field", (input, message) => {
    expect(() => validateConfig(input, "/app/authdb.config.js")).toThrow(ConfigError);
    expect(() => validateConfig(input, "/app/authdb.config.js")).toThrow(/^\/app\/authdb\.config\.js: /);
    expect(() => validateConfig(input, "/app/authdb.config.js")).toThrow(message);
  });
});

describe("loadConfig", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeEach(() => (tmp = createTempDir("config")));
  afterEach(() => tmp.cleanup());

  // A TypeScript config is loaded by the spawned CLI in test/cli/new-user.test.ts: jest's VM cannot run jiti's loader.
  test.each([
    ["authdb.config.mjs", `export default { extend: { User: { age: "INTEGER" } } };`],
    ["authdb.config.cjs", `module.exports = { extend: { User: { age: "INTEGER" } } };`],
    ["authdb.config.json", `{ "extend": { "User": { "age": "INTEGER" } } }`],
  ])("loads %s", async (name, source) => {
    writeFileSync(path.join(tmp.dir, name), source);
    const loaded = await loadConfig({ cwd: tmp.dir });
    expect(loaded.schema.tables.User.columns.at(-1)?.column).toBe("age");
  });

  test("a config with a syntax error names the file", async () => {
    writeFileSync(path.join(tmp.dir, "authdb.config.js"), "module.exports = { extend: { User: { ");
    await expect(loadConfig({ cwd: tmp.dir })).rejects.toThrow(new RegExp(`${path.join(tmp.dir, "authdb.config.js")}: cannot be loaded`));
  });

  test("--config pointing nowhere says so", async () => {
    await expect(loadConfig({ cwd: tmp.dir, configFile: "nope.js" })).rejects.toThrow(/config file not found: .*nope\.js/);
  });

  test("no config file means the defaults, relative to the working directory", async () => {
    const loaded = await loadConfig({ cwd: tmp.dir });
    expect(loaded.file).toBeUndefined();
    expect(loaded.baseDir).toBe(tmp.dir);
  });
});

describe("database URL resolution", () => {
  test("--url wins over config, config over DATABASE_URL, DATABASE_URL over the SQLite default", () => {
    const env = { DATABASE_URL: "postgres://env/db" };
    expect(resolveDatabaseUrl({ flag: "postgres://flag/db", config: "postgres://config/db", env })).toEqual({ url: "postgres://flag/db", source: "--url" });
    expect(resolveDatabaseUrl({ config: "postgres://config/db", env })).toEqual({ url: "postgres://config/db", source: "config" });
    expect(resolveDatabaseUrl({ env })).toEqual({ url: "postgres://env/db", source: "DATABASE_URL" });
    expect(resolveDatabaseUrl({ env: {} })).toEqual({ url: "sqlite:./authdb.sqlite", source: "default" });
  });

  test.each([{ CI: "true" }, { CI: "1" }, { NODE_ENV: "production" }])("refuses the SQLite fallback with %j", (env) => {
    expect(() => resolveDatabaseUrl({ env })).toThrow(InvalidInputError);
    expect(() => resolveDatabaseUrl({ env })).toThrow(/does not fall back to the local SQLite file/);
  });

  test("parses dialects and SQLite paths, and rejects unknown schemes", () => {
    expect(parseDatabaseUrl("postgresql://u:p@h:5432/d").dialect).toBe("postgres");
    expect(parseDatabaseUrl("sqlite::memory:").storage).toBe(":memory:");
    expect(parseDatabaseUrl("sqlite:./a.db", "/srv").storage).toBe("/srv/a.db");
    expect(parseDatabaseUrl("sqlite:///var/a.db", "/srv").storage).toBe("/var/a.db");
    expect(() => parseDatabaseUrl("mongodb://h/d")).toThrow(/unsupported database URL "mongodb:\/\/h\/d"/);
  });

  test("never prints a password", () => {
    expect(redactUrl("postgres://user:s3cret@host:5432/db")).toBe("postgres://user:***@host:5432/db");
    expect(redactUrl("postgres://user:p@ss@host:5432/db")).toBe("postgres://user:***@host:5432/db");
    expect(redactUrl("postgres://user@host:5432/db")).toBe("postgres://user@host:5432/db");
    expect(() => parseDatabaseUrl("oracle://user:s3cret@host/db")).toThrow(/oracle:\/\/user:\*\*\*@host\/db/);
  });

  test.each([
    ["cannot reach postgres://app:s3cret@db:5432/auth (ECONNREFUSED)", "cannot reach postgres://app:***@db:5432/auth (ECONNREFUSED)"],
    ["url postgres://app:s3/cr:et@db/auth, and more", "url postgres://app:***@db/auth, and more"],
    ["(mysql://root:p@ss@db/auth)", "(mysql://root:***@db/auth)"],
    ["postgres://app@db/auth?sslmode=require&password=s3cret", "postgres://app@db/auth?sslmode=require&password=***"],
    // Not a URL's password: left as it is.
    ["mail ada@example.com at https://example.com/a:b", "mail ada@example.com at https://example.com/a:b"],
  ])("a text authdb did not write is masked: %s", (text, masked) => {
    expect(redactUrlsInText(text)).toBe(masked);
  });
});
