/**
 * Issue 10, part 4: every command's --json output is one document in one envelope, described by the JSON
 * Schema files the package ships (schemas/). Each command runs as a user would run it (the built CLI, in a
 * project made by `authdb init`, on real PostgreSQL and SQLite databases), succeeding and failing, and each
 * document is validated against schemas/envelope.json and schemas/<command>.json.
 */
import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import { ExitCode } from "../../src/errors";
import { SCHEMA_VERSION } from "../../src/cli/jsonEnvelope";
import { COMMAND_DATA, type CommandName } from "../../src/cli/jsonSchemas";
import { JSON_SCHEMA_VERSION } from "../../src/cli/jsonSchemas/envelope";
import { renderJsonSchemas } from "../../src/cli/jsonSchemas/render";
import { AUTHDB_BIN, runAuthdb, type CliResult } from "../helpers/cli";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, createTempDir, sqlQuery, type TestDatabase } from "../helpers/databases";

const ROOT = path.resolve(__dirname, "..", "..");
const SCHEMAS_DIR = path.join(ROOT, "schemas");
const COMMANDS = Object.keys(COMMAND_DATA) as CommandName[];
const INITIAL = "20261123000000-authdb-initial.js";

/** The published files, compiled as a consumer would compile them (strict: an unknown keyword is an error). */
function compile(file: string): ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), "utf8")));
}

describe("the published schema files", () => {
  test("are exactly what src/cli/jsonSchemas renders (regenerate: npm run schemas:render)", () => {
    const rendered = renderJsonSchemas();
    expect(readdirSync(SCHEMAS_DIR).sort()).toEqual(rendered.map((file) => file.name).sort());
    for (const { name, text } of rendered) expect({ name, text: readFileSync(path.join(SCHEMAS_DIR, name), "utf8") }).toEqual({ name, text });
  });

  test("name one file per command, and the runtime's schemaVersion is the schemas' one", () => {
    expect(readdirSync(SCHEMAS_DIR).sort()).toEqual(["envelope.json", ...COMMANDS.map((command) => `${command}.json`)].sort());
    expect(SCHEMA_VERSION).toBe(JSON_SCHEMA_VERSION);
  });

  test("ship in the package, and resolve as authdb/schemas/<command>.json", () => {
    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    const files = packed.files.map((file: { path: string }) => file.path);
    for (const name of readdirSync(SCHEMAS_DIR)) expect(files).toContain(`schemas/${name}`);
    // Through package.json "exports", as an app resolves it (the package resolving itself by name).
    const resolved = execFileSync(process.execPath, ["-p", 'require.resolve("authdb/schemas/migrate.json")'], { cwd: ROOT, encoding: "utf8" }).trim();
    expect(resolved).toBe(path.join(SCHEMAS_DIR, "migrate.json"));
  });
});

type Document = {
  schemaVersion: number;
  ok: boolean;
  command: string;
  database: string | null;
  durationMs: number;
  data: Record<string, any> | null;
  error: { type: string; message: string; hint: string | null; exitCode: number } | null;
};

const validators = new Map<string, ValidateFunction>();
function validator(file: string): ValidateFunction {
  if (!validators.has(file)) validators.set(file, compile(file));
  return validators.get(file)!;
}

/** A password only the PostgreSQL URLs carry (the test server trusts, so it is sent and never checked). */
const PASSWORD = "Js0n-s3cret-pw";

function withPassword(url: string): string {
  const parsed = new URL(url);
  if (!parsed.password) parsed.password = PASSWORD;
  return parsed.toString();
}

/** Runs the CLI until `marker` appears on its stderr, then sends it `signal`; resolves when it has exited. */
function runAndSignal(args: string[], cwd: string, marker: string, signal: NodeJS.Signals): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", DATABASE_URL: undefined, CI: undefined, NODE_ENV: undefined };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(process.execPath, [AUTHDB_BIN, ...args], { cwd, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (!sent && stderr.includes(marker)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const dialects: Array<[string, (label: string) => Promise<TestDatabase> | TestDatabase]> = [
  ["PostgreSQL", createPostgresDatabase],
  ["SQLite", createSqliteDatabase],
  // MariaDB's root has no password here: a URL with one would be refused, so its URLs carry none.
  ["MariaDB", createMariaDatabase],
];

describe.each(dialects)("every command's --json on %s", (dialect, createDatabase) => {
  let tmp: { dir: string; cleanup(): void };
  let project: string;
  /** A folder with no project yet, where baseline writes the migrations from the database it adopts. */
  let adopter: string;
  let main: TestDatabase;
  let scratch: TestDatabase;
  let mainUrl: string;
  let scratchUrl: string;
  const seen = new Map<CommandName, Set<"success" | "failure">>(COMMANDS.map((command) => [command, new Set()]));

  beforeAll(async () => {
    tmp = createTempDir("json-output");
    project = path.join(tmp.dir, "app");
    mkdirSync(project);
    adopter = path.join(tmp.dir, "adopter");
    mkdirSync(adopter);
    main = await createDatabase("json_main");
    scratch = await createDatabase("json_scratch");
    mainUrl = dialect === "PostgreSQL" ? withPassword(main.url) : main.url;
    scratchUrl = dialect === "PostgreSQL" ? withPassword(scratch.url) : scratch.url;
  });
  afterAll(async () => {
    await main?.drop();
    await scratch?.drop();
    tmp?.cleanup();
  });

  const run = (args: string[], cwd = project): Promise<CliResult> => runAuthdb([...args, "--json"], { cwd, env: { DATABASE_URL: undefined, CI: undefined, NODE_ENV: undefined } });

  /**
   * Runs `authdb <args> --json`, expects `exitCode`, and checks the envelope's invariants and both schema
   * files on what it printed; returns the document.
   */
  async function authdb(args: string[], exitCode: number, cwd = project): Promise<Document> {
    return expectDocument(args, await run(args, cwd), exitCode);
  }

  function expectDocument(args: string[], result: CliResult, exitCode: number): Document {
    const command = args[0] as CommandName;
    const context = `authdb ${args.join(" ")} --json\nexit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
    expect({ context, code: result.code }).toEqual({ context, code: exitCode });
    // Exactly one document: a second (or any stray line) would make the whole of stdout unparseable.
    const doc = JSON.parse(result.stdout) as Document;
    expect(result.stdout.trimEnd().endsWith("}")).toBe(true);
    for (const file of ["envelope.json", `${command}.json`]) {
      const validate = validator(file);
      expect({ context, file, valid: validate(doc), errors: validate.errors ?? null }).toEqual({ context, file, valid: true, errors: null });
    }
    expect(doc.command).toBe(command);
    expect(doc.ok).toBe(result.code === 0);
    expect(doc.error?.exitCode ?? 0).toBe(result.code);
    expect(result.stdout).not.toContain(PASSWORD);
    if (doc.database?.startsWith("postgres")) expect(doc.database).toMatch(/:\*\*\*@/);
    seen.get(command)!.add(doc.ok ? "success" : "failure");
    return doc;
  }

  test("init: writes the project; a second init refuses to overwrite (exit 1), with no database named", async () => {
    const doc = await authdb(["init"], ExitCode.ok);
    expect(doc).toMatchObject({ database: null, data: { config: { created: true }, customColumns: [] } });
    expect(doc.data!.migrations.map((file: string) => path.basename(file))).toEqual([INITIAL, expect.stringMatching(/expiry-indexes/), expect.stringMatching(/exact-text/)]);
    const again = await authdb(["init"], ExitCode.migrationFailed);
    expect(again).toMatchObject({ data: null, error: { type: "AuthdbError", message: expect.stringContaining("already exists") } });
  });

  test("status: lists what is pending; --check fails with exit 4 and still carries the data", async () => {
    const doc = await authdb(["status", "--url", mainUrl], ExitCode.ok);
    expect(doc.database).not.toBeNull();
    expect(doc.data).toMatchObject({ applied: [], pending: [INITIAL, expect.any(String), expect.any(String)], lock: { held: false } });
    const gate = await authdb(["status", "--check", "--url", mainUrl], ExitCode.pending);
    expect(gate).toMatchObject({ data: { pending: [INITIAL, expect.any(String), expect.any(String)] }, error: { message: expect.stringContaining("3 pending migrations"), hint: expect.any(String) } });
  });

  test("status: a config file that does not exist is exit 2, before any database is chosen", async () => {
    const doc = await authdb(["status", "--config", "missing.config.js", "--url", mainUrl], ExitCode.invalidInput);
    expect(doc).toMatchObject({ database: null, data: null, error: { type: "ConfigError", message: expect.stringContaining("missing.config.js") } });
  });

  test("check: the unmigrated database drifts (exit 5), with each difference in the data", async () => {
    const doc = await authdb(["check", "--url", mainUrl], ExitCode.drift);
    expect(doc.data!.differences).toContainEqual(expect.objectContaining({ kind: "missing-table", table: "users" }));
    expect(doc.data!.pending).toHaveLength(3);
  });

  test("migrate: --dry-run shows the SQL, then the real run applies them; a URL of an unknown kind is exit 2", async () => {
    const dry = await authdb(["migrate", "--dry-run", "--url", mainUrl], ExitCode.ok);
    expect(dry.data).toMatchObject({ dryRun: true, applied: [], statements: [{ name: INITIAL, statements: expect.arrayContaining([expect.stringMatching(/CREATE TABLE/i)]) }, expect.anything(), expect.anything()] });
    const doc = await authdb(["migrate", "--url", mainUrl], ExitCode.ok);
    expect(doc.data).toMatchObject({ dryRun: false, statements: null, applied: [{ name: INITIAL }, expect.anything(), expect.anything()] });
    const bad = await authdb(["migrate", "--url", "nosuchdb://somewhere/x"], ExitCode.invalidInput);
    expect(bad).toMatchObject({ data: null, error: { message: expect.stringContaining("unsupported database URL") } });
  });

  test("status --check and check pass on the migrated database", async () => {
    expect((await authdb(["status", "--check", "--url", mainUrl], ExitCode.ok)).data).toMatchObject({ pending: [], applied: [{ name: INITIAL, state: "ok" }, expect.anything(), expect.anything()] });
    expect((await authdb(["check", "--url", mainUrl], ExitCode.ok)).data).toEqual({ strict: false, differences: [], pending: [] });
  });

  test("prune: counts per table on the migrated database; an unmigrated one is exit 4", async () => {
    const doc = await authdb(["prune", "--dry-run", "--url", mainUrl], ExitCode.ok);
    expect(doc.data).toMatchObject({ dryRun: true, rows: 0, tables: { Session: { table: "sessions", rows: 0 }, VerificationToken: { table: "verification_tokens" } } });
    const unmigrated = await authdb(["prune", "--url", scratchUrl], ExitCode.pending);
    expect(unmigrated).toMatchObject({ data: null, error: { message: expect.stringContaining("not migrated") } });
  });

  test("prune: an option the parser refuses is a usage error (exit 2), still one document naming the command", async () => {
    const doc = await authdb(["prune", "--batch-size", "0", "--url", mainUrl], ExitCode.invalidInput);
    expect(doc).toMatchObject({ database: null, data: null, error: { type: "UsageError", message: expect.stringContaining("--batch-size") } });
  });

  test("baseline: an empty database has nothing to adopt (exit 5), with the data of what it found", async () => {
    const doc = await authdb(["baseline", "--dry-run", "--url", scratchUrl], ExitCode.drift, adopter);
    expect(doc).toMatchObject({ data: { dryRun: true, layout: null, recorded: [], written: [] }, error: { type: "BaselineBlockedError", message: expect.stringContaining("nothing to adopt") } });
  });

  test("verify: passes on the empty scratch database; refuses the migrated one (exit 2)", async () => {
    const doc = await authdb(["verify", "--url", scratchUrl], ExitCode.ok);
    expect(doc.data).toMatchObject({ failed: null, leftMigrated: true, fullRevert: { ok: true }, fullReapply: { ok: true } });
    expect(doc.data!.migrations.map((m: { name: string }) => m.name)).toEqual([INITIAL, expect.any(String), expect.any(String)]);
    const refused = await authdb(["verify", "--url", mainUrl], ExitCode.invalidInput);
    expect(refused).toMatchObject({ data: null, error: { message: expect.stringContaining("not empty") } });
  });

  test("baseline: the verified scratch database without its history is adopted", async () => {
    await sqlQuery(scratch.url, dialect === "MariaDB" ? "DROP TABLE `SequelizeMeta`" : 'DROP TABLE "SequelizeMeta"');
    await sqlQuery(scratch.url, "DROP TABLE authdb_migrations");
    const doc = await authdb(["baseline", "--url", scratchUrl], ExitCode.ok, adopter);
    expect(doc.data).toMatchObject({ dryRun: false, layout: "authdb", recorded: [INITIAL, expect.any(String), expect.any(String)], adoption: null, differences: [], rowProblems: [] });
  });

  test("create: writes an empty migration; a name that makes no file name is exit 2", async () => {
    const doc = await authdb(["create", "add-nothing"], ExitCode.ok);
    expect(doc).toMatchObject({ database: null, data: { file: expect.stringMatching(/-add-nothing\.js$/) } });
    const bad = await authdb(["create", "!!!"], ExitCode.invalidInput);
    expect(bad).toMatchObject({ data: null, error: { type: "InvalidInputError" } });
  });

  test("down: reverts the last migration; --step with --to is exit 2", async () => {
    await authdb(["migrate", "--url", mainUrl], ExitCode.ok);
    const doc = await authdb(["down", "--url", mainUrl], ExitCode.ok);
    expect(doc.data).toMatchObject({ dryRun: false, statements: null, reverted: [{ name: expect.stringMatching(/-add-nothing\.js$/) }] });
    const bad = await authdb(["down", "--step", "1", "--to", INITIAL, "--url", mainUrl], ExitCode.invalidInput);
    expect(bad).toMatchObject({ data: null, error: { message: expect.stringContaining("--step and --to") } });
  });

  test("generate: nothing to do; a new column fails --check (exit 4) with the change, then is written", async () => {
    const none = await authdb(["generate"], ExitCode.ok);
    expect(none).toMatchObject({ database: null, data: { mode: "write", changes: [], files: [], snapshot: null } });
    writeFileSync(path.join(project, "authdb.config.js"), `module.exports = { extend: { User: { phoneNumber: "STRING" } } };\n`);
    const check = await authdb(["generate", "--check"], ExitCode.pending);
    expect(check).toMatchObject({ data: { mode: "check", changes: [expect.stringContaining("phone_number")], files: [] } });
    const dry = await authdb(["generate", "--dry-run", "add-phone"], ExitCode.ok);
    expect(dry.data).toMatchObject({ mode: "dry-run", snapshot: null, files: [{ file: expect.stringMatching(/-add-phone\.js$/), source: expect.stringContaining("addColumn") }] });
    const doc = await authdb(["generate", "add-phone"], ExitCode.ok);
    expect(doc.data).toMatchObject({ mode: "write", files: [{ file: expect.stringMatching(/-add-phone\.js$/) }], snapshot: expect.stringMatching(/authdb\.snapshot\.json$/) });
  });

  test("an edited applied migration: migrate is exit 6 without data, status --check exit 6 with it, repair records it", async () => {
    appendFileSync(path.join(project, "migrations", INITIAL), "// edited after it was applied\n");
    const migrate = await authdb(["migrate", "--url", mainUrl], ExitCode.changedMigration);
    expect(migrate).toMatchObject({ data: null, error: { exitCode: ExitCode.changedMigration, message: expect.stringContaining(INITIAL) } });
    const status = await authdb(["status", "--check", "--url", mainUrl], ExitCode.changedMigration);
    expect(status.data!.applied).toContainEqual(expect.objectContaining({ name: INITIAL, state: "changed" }));
    const repair = await authdb(["repair", "--url", mainUrl], ExitCode.ok);
    expect(repair.data).toMatchObject({ dryRun: false, recorded: [{ name: INITIAL }], missingFiles: [] });
  });

  test("repair: a name no applied migration has is exit 2", async () => {
    const doc = await authdb(["repair", "20990101000000-nothing.js", "--url", mainUrl], ExitCode.invalidInput);
    expect(doc).toMatchObject({ data: null, error: { message: expect.stringContaining("no applied migration is named") } });
  });

  test("a migration whose up() never settles: exit 1, and the document still comes, once", async () => {
    // PostgreSQL's open connection keeps the process alive: the stall watchdog ends it (SQLite: the process runs out of work).
    const stuck = path.join(tmp.dir, "stuck");
    mkdirSync(stuck);
    await authdb(["init"], ExitCode.ok, stuck);
    writeFileSync(path.join(stuck, "migrations", "20261124000000-never-settles.js"), "module.exports = { async up() { await new Promise(() => {}); }, async down() {} };\n");
    const doc = await authdb(["migrate", "--stall-timeout", "1", "--url", scratchUrl], ExitCode.migrationFailed, stuck);
    expect(doc).toMatchObject({ data: null, error: { message: expect.stringContaining("never-settles.js") } });
  });

  test("what user code prints (a config's and a migration's console.log) goes to stderr: stdout stays one document", async () => {
    const chatty = path.join(tmp.dir, "chatty");
    mkdirSync(chatty);
    await authdb(["init"], ExitCode.ok, chatty);
    appendFileSync(path.join(chatty, "authdb.config.js"), 'console.log("config: loaded");\nprocess.stdout.write("config: raw write\\n");\n');
    writeFileSync(path.join(chatty, "migrations", "20261124000000-chatty.js"), 'module.exports = { async up() { console.log("migration: up ran"); console.info({ rows: 3 }); }, async down() {} };\n');
    const database = await createDatabase("json_chatty");
    try {
      const result = await run(["migrate", "--url", dialect === "PostgreSQL" ? withPassword(database.url) : database.url], chatty);
      const doc = expectDocument(["migrate"], result, ExitCode.ok);
      expect(doc.data!.applied.map((migration: { name: string }) => migration.name)).toContain("20261124000000-chatty.js");
      for (const printed of ["config: loaded", "config: raw write", "migration: up ran", "rows: 3"]) {
        expect(result.stderr).toContain(printed);
        expect(result.stdout).not.toContain(printed);
      }
    } finally {
      await database.drop();
    }
  });

  test.each([
    ["SIGINT", ExitCode.interrupted],
    ["SIGTERM", ExitCode.terminated],
  ] as const)("%s mid-migration: the document still comes, with error type Interrupted and exit %i", async (signal, exitCode) => {
    const slow = path.join(tmp.dir, `slow-${signal}`);
    mkdirSync(slow);
    await authdb(["init"], ExitCode.ok, slow);
    writeFileSync(
      path.join(slow, "migrations", "20261124000000-slow.js"),
      'module.exports = { async up() { console.error("slow: started"); await new Promise((resolve) => setTimeout(resolve, 60000)); }, async down() {} };\n',
    );
    const database = await createDatabase(`json_${signal.toLowerCase()}`);
    try {
      const url = dialect === "PostgreSQL" ? withPassword(database.url) : database.url;
      const result = await runAndSignal(["migrate", "--json", "--url", url], slow, "slow: started", signal);
      const doc = expectDocument(["migrate"], result, exitCode);
      expect(doc.error).toMatchObject({ type: "Interrupted", message: `interrupted by ${signal} before the command finished`, hint: expect.stringContaining("authdb status") });
      // The migration's transaction died with the connection: the slow file is still pending, the rest applied.
      const status = await run(["status", "--url", url], slow);
      expect(JSON.parse(status.stdout).data.pending).toEqual(["20261124000000-slow.js"]);
    } finally {
      await database.drop();
    }
  });

  test("every command was seen succeeding and failing", () => {
    expect(Object.fromEntries([...seen].map(([command, outcomes]) => [command, [...outcomes].sort()]))).toEqual(
      Object.fromEntries(COMMANDS.map((command) => [command, ["failure", "success"]])),
    );
  });
});
