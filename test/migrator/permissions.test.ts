/**
 * Issue 7 item 15: a database user without a right on authdb's tables gets a permission error (exit 2,
 * naming the table and the right), never a misleading "pending", "no checksum" or "not migrated".
 * PostgreSQL only: SQLite has no users or grants.
 */
import { appendFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { SequelizeAdapter } from "../../src";
import { runAuthdb } from "../helpers/cli";
import { POSTGRES_ADMIN_URL, pgQuery } from "../helpers/databases";
import { DIALECTS, INITIAL, STACK_FRAME, createProject, type TestProject } from "./support";

const postgres = DIALECTS.find((d) => d.dialect === "postgres")!;

describe("a restricted database user on PostgreSQL", () => {
  let project: TestProject;
  // Roles are cluster-wide: a unique name, dropped after the suite.
  const role = `authdb_restricted_${randomBytes(4).toString("hex")}`;
  let roleUrl: string;
  const asRole = (args: string[]) => runAuthdb([...args, "--url", roleUrl], { cwd: project.dir, env: { CI: undefined, DATABASE_URL: undefined } });

  beforeAll(async () => {
    project = await createProject("permissions", postgres);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await pgQuery(POSTGRES_ADMIN_URL, `CREATE ROLE ${role} LOGIN`);
    // Rights to use the Auth.js tables and to write the history, but no SELECT on the history.
    await pgQuery(project.db.url, `GRANT INSERT, UPDATE, DELETE ON "SequelizeMeta", authdb_migrations TO ${role}`);
    const url = new URL(project.db.url);
    url.username = role;
    roleUrl = url.toString();
  });

  afterAll(async () => {
    await pgQuery(project.db.url, `DROP OWNED BY ${role}`).catch(() => undefined);
    await project?.cleanup();
    await pgQuery(POSTGRES_ADMIN_URL, `DROP ROLE IF EXISTS ${role}`);
  });

  test("without SELECT on SequelizeMeta: status --check, check and migrate exit 2 naming the table and the right, not 'pending'", async () => {
    for (const command of [["status", "--check"], ["check"], ["migrate"]]) {
      const result = await asRole(command);
      expect({ command, code: result.code }).toEqual({ command, code: 2 });
      expect(result.stderr).toContain(`permission denied for table "public"."SequelizeMeta": the database user "${role}" lacks SELECT on it`);
      expect(result.stderr).toContain(`GRANT SELECT ON "public"."SequelizeMeta" TO "${role}"`);
      expect(result.stdout + result.stderr).not.toMatch(/pending/);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    }
  });

  test("with SELECT on SequelizeMeta but not on authdb_migrations: an edited applied file is a permission error, not 'no checksum'", async () => {
    await pgQuery(project.db.url, `GRANT SELECT ON "SequelizeMeta" TO ${role}`);
    appendFileSync(path.join(project.migrationsDir, INITIAL), "\n// edited after it was applied\n");
    const result = await asRole(["status", "--check"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`permission denied for table "public"."authdb_migrations": the database user "${role}" lacks SELECT on it`);
    expect(result.stdout + result.stderr).not.toMatch(/no checksum|another tool/);
    // The owner sees what the restricted user could not: the file changed since it was applied.
    expect((await project.authdb(["status", "--check"])).code).toBe(6);
  });

  test("the adapter's first use says which table it cannot read, not that the database is not migrated", async () => {
    await pgQuery(project.db.url, `GRANT SELECT, INSERT, UPDATE, DELETE ON accounts, sessions, verification_tokens, authenticators TO ${role}`);
    await pgQuery(project.db.url, `GRANT INSERT, UPDATE, DELETE ON users TO ${role}`);
    const adapter = SequelizeAdapter(roleUrl);
    try {
      const failure = await adapter.getUser("6f1c2b1e-2a7d-4c53-9a43-0d2c3b1a9e11").catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: "PermissionDeniedError", exitCode: 2 });
      expect((failure as Error).message).toContain(`permission denied for table "users": the database user "${role}" lacks SELECT on it`);

      await pgQuery(project.db.url, `GRANT SELECT ON users TO ${role}`);
      expect(await adapter.getUser("6f1c2b1e-2a7d-4c53-9a43-0d2c3b1a9e11")).toBeNull();
    } finally {
      await adapter.close();
    }
  });
});
