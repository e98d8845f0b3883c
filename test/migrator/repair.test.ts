/**
 * Issue 8 item 5: `authdb repair` accepts an intentional edit of an applied migration by recording the file's
 * current checksum, once, instead of --allow-changed on every run. It never records a file it cannot read,
 * and the exit-6 hints point to it (and, for a missing file, to foreignMigrations).
 */
import { appendFileSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { migrationChecksum } from "../../src/migrator/checksum";
import { DIALECTS, INITIAL, STACK_FRAME, createProject, fixture, outsideQuery, type TestProject } from "./support";

const checksumOf = async (project: TestProject, name: string) =>
  (await outsideQuery<{ checksum: string }>(project.db.url, `SELECT checksum FROM authdb_migrations WHERE name = '${name}'`))[0]?.checksum;

describe.each(DIALECTS)("authdb repair on $dialect", (dialect) => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  beforeEach(async () => {
    project = await createProject(`repair_${dialect.dialect}`, dialect, [fixture.extraOne, fixture.extraTwo]);
    expect((await project.authdb(["migrate"])).code).toBe(0);
  });

  const edit = (name: string) => {
    const file = path.join(project.migrationsDir, name);
    appendFileSync(file, "// a comment added on purpose after it was applied\n");
    return migrationChecksum(readFileSync(file, "utf8"));
  };

  test("records the current checksum of every changed file; --dry-run only lists; then status --check and migrate pass", async () => {
    const before = await checksumOf(project, fixture.extraOne);
    const after = edit(fixture.extraOne);
    expect(after).not.toBe(before);

    // The exit-6 messages point to repair, naming the file.
    const refused = await project.authdb(["migrate"]);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain(`npx authdb repair ${fixture.extraOne}`);
    const gate = await project.authdb(["status", "--check"]);
    expect(gate.code).toBe(6);
    expect(gate.stderr).toContain(`npx authdb repair ${fixture.extraOne}`);

    const dry = await project.authdb(["repair", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`would record\\s+${fixture.extraOne}`));
    expect(dry.stdout).toMatch(/Dry run: would record the current checksum of 1 migration; nothing changed \([\d.]+ m?s\)/);
    expect(await checksumOf(project, fixture.extraOne)).toBe(before);
    expect((await project.authdb(["status", "--check"])).code).toBe(6);

    const repaired = await project.authdb(["repair", "--json"]);
    expect(repaired.code).toBe(0);
    expect(JSON.parse(repaired.stdout)).toMatchObject({
      command: "repair",
      ok: true,
      data: { dryRun: false, recorded: [{ name: fixture.extraOne, previousChecksum: before, checksum: after }], missingFiles: [] },
    });
    expect(repaired.stderr).toMatch(/Recorded the current checksum of 1 migration in [\d.]+ m?s/);
    expect(await checksumOf(project, fixture.extraOne)).toBe(after);
    // Only the checksum changed: the other records are as they were.
    expect(await checksumOf(project, INITIAL)).toBe(migrationChecksum(readFileSync(path.join(project.migrationsDir, INITIAL), "utf8")));

    const status = await project.authdb(["status", "--check", "--json"]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).data.applied.every((m: { state: string }) => m.state === "ok")).toBe(true);
    expect((await project.authdb(["migrate"])).code).toBe(0);

    const again = await project.authdb(["repair"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing to repair/);
  });

  test("with names, records only those; a named unchanged file is reported, an unknown or pending name is exit 2", async () => {
    edit(fixture.extraOne);
    const twoBefore = await checksumOf(project, fixture.extraTwo);
    edit(fixture.extraTwo);

    const one = await project.authdb(["repair", fixture.extraOne, INITIAL]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(new RegExp(`recorded\\s+${fixture.extraOne}`));
    expect(one.stdout).toMatch(new RegExp(`unchanged\\s+${INITIAL}`));
    expect(await checksumOf(project, fixture.extraTwo)).toBe(twoBefore);
    const status = JSON.parse((await project.authdb(["status", "--json"])).stdout).data;
    const states = Object.fromEntries(status.applied.map((m: { name: string; state: string }) => [m.name, m.state]));
    expect(states).toEqual(expect.objectContaining({ [INITIAL]: "ok", [fixture.extraOne]: "ok", [fixture.extraTwo]: "changed" }));
    expect(Object.values(states).filter((state) => state !== "ok")).toEqual(["changed"]);

    const unknown = await project.authdb(["repair", "20990101000000-nope.js"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no applied migration is named 20990101000000-nope.js");
    expect(unknown.stderr).not.toMatch(STACK_FRAME);

    project.addFixture(fixture.failsHalfway);
    const pending = await project.authdb(["repair", fixture.failsHalfway]);
    expect(pending.code).toBe(2);
    expect(pending.stderr).toContain(`${fixture.failsHalfway} is not applied on this database`);
  });

  test("never touches a migration whose file is missing, and says what to do instead", async () => {
    edit(fixture.extraOne);
    rmSync(path.join(project.migrationsDir, fixture.extraTwo));
    const twoBefore = await checksumOf(project, fixture.extraTwo);

    // The exit-6 hint for a missing file names the foreignMigrations way out.
    const refused = await project.authdb(["migrate"]);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain(`${fixture.extraTwo}: applied, but the file is missing`);
    expect(refused.stderr).toContain(`foreignMigrations: ["${fixture.extraTwo}"]`);

    const all = await project.authdb(["repair", "--json"]);
    expect(all.code).toBe(0);
    const doc = JSON.parse(all.stdout).data;
    expect(doc.recorded.map((m: { name: string }) => m.name)).toEqual([fixture.extraOne]);
    expect(doc.missingFiles).toEqual([fixture.extraTwo]);
    expect(all.stderr).toMatch(new RegExp(`not touched\\s+${fixture.extraTwo}`));
    expect(all.stderr).toMatch(/foreignMigrations/);
    expect(await checksumOf(project, fixture.extraTwo)).toBe(twoBefore);
    // Still reported: repair does not make a missing file go away.
    expect((await project.authdb(["status", "--check"])).code).toBe(6);

    const named = await project.authdb(["repair", fixture.extraTwo]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(`${fixture.extraTwo}: applied, but its file is missing`);
    expect(named.stderr).toMatch(/Hint: Restore the file .*foreignMigrations/);
    expect(named.stderr).not.toMatch(STACK_FRAME);
  });
});
