/**
 * Issue 4 points 1, 2 and 8 as an operator meets them: a migrator killed mid-run leaves no lock to clean
 * and no half migration; every command says what it did and how long it took; --to / down --to 0;
 * a pending, untouched initial migration follows the config, an applied one never changes.
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AUTHDB_BIN } from "../helpers/cli";
import { DIALECTS, EXACT_TEXT, EXPIRY_INDEXES, INITIAL, MARIADB, createProject, fixture, listColumns, listTables, recordedNames, sleep, type TestProject } from "../migrator/support";

describe.each([...DIALECTS, MARIADB])("migrate safety on $dialect", (dialect) => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  test("a migrate killed mid-migration (SIGKILL) leaves no lock behind and nothing half applied", async () => {
    project = await createProject(`killed_${dialect.dialect}`, dialect, [fixture.sleeps]);
    const child = spawn(process.execPath, [AUTHDB_BIN, "migrate", "--url", project.db.url], {
      cwd: project.dir,
      env: { ...process.env, NO_COLOR: "1", AUTHDB_TEST_SLEEP_MS: "60000" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    const exited = new Promise((resolve) => child.on("close", resolve));
    // The initial migration is committed before the sleeping one starts.
    const deadline = Date.now() + 30_000;
    while (!stdout.includes(`✔ ${INITIAL}`) && Date.now() < deadline) await sleep(100);
    await sleep(500);
    const during = JSON.parse((await project.authdb(["status", "--json"])).stdout).data;
    // MySQL/MariaDB know the holder's connection, not its process: no pid there.
    expect(during.lock).toMatchObject(dialect.dialect === "mariadb" ? { held: true } : { held: true, pid: child.pid });
    child.kill("SIGKILL");
    await exited;

    // PostgreSQL frees the advisory lock with the connection; SQLite's row names a dead pid on this host,
    // which holds nothing (status says free, the next run takes the row over).
    const status = JSON.parse((await project.authdb(["status", "--json"])).stdout).data;
    expect(status.pending).toEqual([fixture.sleeps]);
    expect(status.lock).toEqual({ held: false });
    if (dialect.dialect === "mariadb") {
      // DDL commits at once: the table the killed migration created stays, and nothing could be written
      // when it died; the record written before it started says so instead.
      expect(await listTables(project.db.url)).toContain("slow");
      expect(status.failedPartially).toEqual([expect.objectContaining({ name: fixture.sleeps, direction: "up", tookEffect: [], error: expect.stringMatching(/^interrupted:/) })]);
      const text = await project.authdb(["status"]);
      expect(text.stdout).toMatch(new RegExp(`failed-partially .* ${fixture.sleeps.replace(/\./g, "\\.")}  \\(interrupted mid-run`));
      expect((await project.authdb(["status", "--check"])).code).toBe(4);
    } else {
      expect(await listTables(project.db.url)).not.toContain("slow");
      expect(status.failedPartially).toEqual([]);
    }

    const again = await project.authdb(["migrate", "--lock-timeout", "5"], { AUTHDB_TEST_SLEEP_MS: "0" });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`✔ ${fixture.sleeps}`);
    if (dialect.dialect === "mariadb") expect(again.stderr).toContain(`${fixture.sleeps} was interrupted in an earlier run`);
    expect(JSON.parse((await project.authdb(["status", "--json"])).stdout).data.failedPartially).toEqual([]);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.sleeps]);
    expect(JSON.parse((await project.authdb(["status", "--json"])).stdout).data.lock).toEqual({ held: false });
  });

  test("every command reports what it did and how long it took", async () => {
    project = await createProject(`progress_${dialect.dialect}`, dialect, [fixture.extraOne]);
    const duration = /\d+(\.\d+)? (ms|s)/;

    const migrate = await project.authdb(["migrate"]);
    expect(migrate.stdout).toMatch(/^Database: .* \(from --url\)$/m);
    expect(migrate.stdout).toMatch(new RegExp(`✔ ${INITIAL}\\s+${duration.source}`));
    expect(migrate.stdout).toMatch(new RegExp(`Applied 4 migrations in ${duration.source}\\.`));

    const again = await project.authdb(["migrate"]);
    expect(again.stdout).toMatch(new RegExp(`Already up to date: 4 migrations applied, none pending \\(${duration.source}\\)`));

    const status = await project.authdb(["status"]);
    expect(status.stdout).toMatch(new RegExp(`applied\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+${fixture.extraOne}`));
    expect(status.stdout).toMatch(new RegExp(`4 applied, 0 pending\\. Lock: free\\. \\(${duration.source}\\)`));

    const down = await project.authdb(["down", "--to", "0"]);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(new RegExp(`✔ reverted ${fixture.extraOne}[\\s\\S]*✔ reverted ${INITIAL}`));
    expect(down.stdout).toMatch(new RegExp(`Reverted 4 migrations in ${duration.source}\\.`));
    const left = await listTables(project.db.url);
    expect(left.filter((t) => !["SequelizeMeta", "authdb_migrations", "authdb_lock", "authdb_partial_migrations"].includes(t))).toEqual([]);

    const nothing = await project.authdb(["down"]);
    expect(nothing.stdout).toMatch(/Nothing to revert: no migration is applied/);

    // (The fixture is dated after today; create refuses a name that would sort before it, so it goes first.)
    rmSync(path.join(project.migrationsDir, fixture.extraOne));
    const create = await project.authdb(["create", "add-phone-number"]);
    expect(create.code).toBe(0);
    expect(create.stdout).toMatch(/✔ Created migrations\/\d{14}-add-phone-number\.js/);
  });

  test("--to applies up to a migration; --to an applied one is a no-op; down --to reverts to and including it", async () => {
    project = await createProject(`to_${dialect.dialect}`, dialect, [fixture.extraOne, fixture.extraTwo]);
    const first = await project.authdb(["migrate", "--to", fixture.extraOne]);
    expect(first.code).toBe(0);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne]);

    const noop = await project.authdb(["migrate", "--to", EXPIRY_INDEXES]);
    expect(noop.code).toBe(0);
    expect(noop.stdout).toMatch(new RegExp(`Nothing to apply: ${EXPIRY_INDEXES} is already applied \\(1 migration pending after it;`));

    expect((await project.authdb(["migrate"])).code).toBe(0);
    const down = await project.authdb(["down", "--to", fixture.extraOne]);
    expect(down.code).toBe(0);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
    const notApplied = await project.authdb(["down", "--to", fixture.extraTwo]);
    expect(notApplied.code).toBe(0);
    expect(notApplied.stdout).toContain(`Nothing to revert: ${fixture.extraTwo} is not applied`);
  });

  test("down refuses to skip an applied migration whose file is missing, even with --allow-changed", async () => {
    project = await createProject(`down_missing_${dialect.dialect}`, dialect, [fixture.extraOne, fixture.extraTwo]);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    rmSync(path.join(project.migrationsDir, fixture.extraTwo));
    const down = await project.authdb(["down", "--allow-changed"]);
    expect(down.code).toBe(6);
    expect(down.stderr).toContain(`cannot revert ${fixture.extraTwo}: applied, but the file is missing`);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne, fixture.extraTwo]);
  });

  test("migrate never writes a file: a config ahead of the migrations is reported (pointing to generate), the files are applied as committed", async () => {
    project = await createProject(`no_rerender_${dialect.dialect}`, dialect);
    const configFile = path.join(project.dir, "authdb.config.js");
    const initialFile = path.join(project.migrationsDir, INITIAL);
    const committed = readFileSync(initialFile, "utf8");
    writeFileSync(configFile, `module.exports = { extend: { User: { phoneNumber: "STRING" } } };\n`);

    const dry = await project.authdb(["migrate", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain("the config has 1 change that no migration holds yet (add column users.phone_number (STRING(255)))");
    expect(dry.stdout).not.toContain("phone_number");

    const migrate = await project.authdb(["migrate", "--json"]);
    expect(migrate.code).toBe(0);
    expect(migrate.stderr).toContain("run `npx authdb generate`");
    expect(JSON.parse(migrate.stdout).data.unmigratedConfigChanges).toEqual(["add column users.phone_number (STRING(255))"]);
    expect(readFileSync(initialFile, "utf8")).toBe(committed);
    expect(await listColumns(project.db.url, "users")).not.toContain("phone_number");
    expect((await project.authdb(["status", "--check"])).code).toBe(0);
  });
});
