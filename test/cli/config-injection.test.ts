/**
 * Issue 7, item 5, end to end: a config value shaped like code is a config error (exit 2) in the built CLI.
 * It never reaches a migration file, and `migrate` never runs it. Needs `npx tsc -p tsconfig.build.json`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ExitCode } from "../../src/errors";
import { runAuthdb } from "../helpers/cli";
import { createTempDir } from "../helpers/databases";
import { DIALECTS, INITIAL, listTables, STACK_FRAME } from "../migrator/support";

let tmp: ReturnType<typeof createTempDir>;
beforeEach(() => (tmp = createTempDir("config-injection")));
afterEach(() => tmp.cleanup());

const marker = () => path.join(tmp.dir, "pwned");
/** The issue's payload: closes `Sequelize.STRING(`, adds a property whose value runs `fs.writeFileSync`, reopens. */
const payload = () => `1), evil: require('fs').writeFileSync(${JSON.stringify(marker())}, 'x'), z: (1`;
const migrationsDir = () => path.join(tmp.dir, "migrations");
const run = (args: string[]) => runAuthdb(args, { cwd: tmp.dir, env: { CI: undefined, DATABASE_URL: undefined } });

function writeJsonConfig(extendUser: Record<string, unknown>): void {
  writeFileSync(path.join(tmp.dir, "authdb.config.json"), JSON.stringify({ extend: { User: extendUser } }, null, 2));
}

/** Exit 2, the path and the fix named on stderr, no stack, and no file written by the payload. */
function expectConfigError(result: { code: number | null; stderr: string }, field: RegExp): void {
  expect(result.code).toBe(ExitCode.invalidInput);
  expect(result.stderr).toMatch(/^Error: .*authdb\.config\.(json|js): /m);
  expect(result.stderr).toMatch(field);
  expect(result.stderr).toMatch(/Hint: Fix the config/);
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(existsSync(marker())).toBe(false);
}

describe("init refuses hostile config values and renders nothing", () => {
  test.each<[string, () => void, RegExp]>([
    ["a JSON length that is code", () => writeJsonConfig({ phoneNumber: { type: "STRING", length: payload() } }), /extend\.User\.phoneNumber\.length must be a number, got "1\), evil: require/],
    ["a JSON defaultValue of the wrong type", () => writeJsonConfig({ age: { type: "INTEGER", defaultValue: "abc" } }), /extend\.User\.age\.defaultValue must be an integer from -2147483648 to 2147483647 for INTEGER columns, got "abc"/],
    ["a JSON defaultValue that is an object", () => writeJsonConfig({ age: { type: "INTEGER", defaultValue: { toString: payload() } } }), /extend\.User\.age\.defaultValue must be a string, a finite number, true, false or null/],
    ["a JSON column named constructor", () => writeJsonConfig({ constructor: "STRING" }), /extend\.User\.constructor is not a valid column name: it is the name of a member every JavaScript object has/],
    [
      "a DataTypes-like value in a JS config",
      () =>
        writeFileSync(
          path.join(tmp.dir, "authdb.config.js"),
          `module.exports = { extend: { User: { nickname: { key: "STRING", options: { length: ${JSON.stringify(payload())} } } } } };\n`,
        ),
      /extend\.User\.nickname\.length must be an integer from 1 to 16383 \(characters; use TEXT for longer values\) \(in the DataTypes value\), got "1\), evil/,
    ],
  ])("%s: exit 2 naming the field, no migration file", async (_what, writeConfig, field) => {
    writeConfig();
    expectConfigError(await run(["init"]), field);
    expect(existsSync(migrationsDir())).toBe(false);
  });
});

/** The database's tables; a SQLite file nobody created has none. */
async function tablesIn(url: string): Promise<string[]> {
  if (url.startsWith("sqlite:") && !existsSync(url.slice("sqlite:".length))) return [];
  return listTables(url);
}

describe.each(DIALECTS)("migrate on $dialect refuses a hostile value added after init", (dialect) => {
  test("exit 2; no file is written and nothing runs", async () => {
    writeJsonConfig({});
    expect((await run(["init"])).code).toBe(0);
    const file = path.join(migrationsDir(), INITIAL);
    const rendered = readFileSync(file, "utf8");
    const db = await dialect.create("config_injection");
    try {
      // The config is validated before anything is read or run: a hostile value never reaches a file or SQL.
      writeJsonConfig({ phoneNumber: { type: "STRING", length: payload() } });
      const result = await runAuthdb(["migrate", "--url", db.url], { cwd: tmp.dir, env: { CI: undefined, DATABASE_URL: undefined } });
      expectConfigError(result, /extend\.User\.phoneNumber\.length must be a number/);
      expect(readdirSync(migrationsDir()).sort()).toEqual([INITIAL, "20261123000001-authdb-expiry-indexes.js", "20261123000002-authdb-exact-text.js", "authdb.snapshot.json"]);
      expect(readFileSync(file, "utf8")).toBe(rendered);
      expect(await tablesIn(db.url)).toEqual([]);
    } finally {
      await db.drop();
    }
  }, 30_000);
});

test("a hostile config next to a valid migrations folder leaves that folder byte-identical", async () => {
  mkdirSync(migrationsDir());
  writeJsonConfig({ score: { type: "DECIMAL", precision: 5, scale: payload() } });
  expectConfigError(await run(["init", "--force"]), /extend\.User\.score\.scale must be a number/);
  expect(readdirSync(migrationsDir())).toEqual([]);
});
