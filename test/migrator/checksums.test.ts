/**
 * Issue 4 point 3: checksums of applied migrations in authdb's sidecar table. An edited applied file is
 * flagged by status and refused by migrate (exit 6) unless --allow-changed; a CRLF-only change is no
 * change; a deleted applied file is reported missing. SequelizeMeta stays exactly as sequelize-cli has it.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DIALECTS, EXACT_TEXT, EXPIRY_INDEXES, INITIAL, STACK_FRAME, createProject, fixture, listColumns, recordedNames, type TestProject } from "./support";

describe.each(DIALECTS)("checksums on $dialect", (dialect) => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  beforeEach(async () => {
    project = await createProject(`sums_${dialect.dialect}`, dialect, [fixture.extraOne]);
    const first = await project.authdb(["migrate"]);
    expect(first.code).toBe(0);
  });

  test("SequelizeMeta keeps sequelize-cli's layout; checksums live in authdb_migrations", async () => {
    expect(await listColumns(project.db.url, "SequelizeMeta")).toEqual(["name"]);
    expect(await listColumns(project.db.url, "authdb_migrations")).toEqual(["applied_at", "checksum", "duration_ms", "name"]);
    expect(await recordedNames(project.db.url)).toEqual({ meta: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne], checksums: [INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne] });
  });

  test("a CRLF-only rewrite of an applied file is not a change", async () => {
    const file = path.join(project.migrationsDir, fixture.extraOne);
    writeFileSync(file, readFileSync(file, "utf8").replace(/\n/g, "\r\n"));
    const status = await project.authdb(["status", "--json", "--check"]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).data.applied.map((m: { state: string }) => m.state)).toEqual(["ok", "ok", "ok", "ok"]);
    expect((await project.authdb(["migrate"])).code).toBe(0);
  });

  test("an edited applied file: status CHANGED, status --check 6, migrate 6 naming it, --allow-changed proceeds", async () => {
    appendFileSync(path.join(project.migrationsDir, fixture.extraOne), "// edited after it was applied\n");
    project.addFixture(fixture.extraTwo);

    const human = await project.authdb(["status"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`applied .*${fixture.extraOne}\\s+CHANGED since it was applied`));
    // migrate would refuse with exit 6, so status must not send the user there, though one is pending.
    expect(human.stdout).not.toContain("Next: run `npx authdb migrate`");
    expect(human.stdout).toContain(`Next: \`npx authdb migrate\` refuses to run until the changed or missing migration is settled. If the edit was intended, record the file as it is now: \`npx authdb repair ${fixture.extraOne}\``);

    const json = await project.authdb(["status", "--json"]);
    const doc = JSON.parse(json.stdout).data;
    expect(doc.applied).toEqual([
      expect.objectContaining({ name: INITIAL, state: "ok" }),
      expect.objectContaining({ name: EXPIRY_INDEXES, state: "ok" }),
      expect.objectContaining({ name: EXACT_TEXT, state: "ok" }),
      expect.objectContaining({ name: fixture.extraOne, state: "changed" }),
    ]);
    expect(doc.pending).toEqual([fixture.extraTwo]);

    // Changed wins over pending in the CI gate: it is the one a person must look at.
    const check = await project.authdb(["status", "--check"]);
    expect(check.code).toBe(6);
    expect(check.stderr).toContain(fixture.extraOne);
    expect(check.stderr).not.toMatch(STACK_FRAME);

    const refused = await project.authdb(["migrate"]);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain(`${fixture.extraOne}: changed since it was applied`);
    expect(refused.stderr).toMatch(/--allow-changed/);
    expect(refused.stderr).not.toMatch(STACK_FRAME);
    expect((await recordedNames(project.db.url)).meta).not.toContain(fixture.extraTwo);

    const allowed = await project.authdb(["migrate", "--allow-changed"]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain(`✔ ${fixture.extraTwo}`);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne, fixture.extraTwo]);
    // The record keeps the checksum of what was applied: the file is still reported changed.
    expect((await project.authdb(["status", "--check"])).code).toBe(6);
  });

  test("a deleted applied file is reported missing by status and migrate", async () => {
    rmSync(path.join(project.migrationsDir, fixture.extraOne));

    const json = await project.authdb(["status", "--json"]);
    expect(JSON.parse(json.stdout).data.applied).toContainEqual(expect.objectContaining({ name: fixture.extraOne, state: "missing-file" }));
    expect((await project.authdb(["status"])).stdout).toMatch(new RegExp(`${fixture.extraOne}\\s+FILE MISSING`));

    const check = await project.authdb(["status", "--check"]);
    expect(check.code).toBe(6);

    const refused = await project.authdb(["migrate"]);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain(`${fixture.extraOne}: applied, but the file is missing`);

    const down = await project.authdb(["down"]);
    expect(down.code).toBe(6);
  });
});
