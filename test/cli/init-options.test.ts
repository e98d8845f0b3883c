import { existsSync } from "node:fs";
import path from "node:path";
import { runAuthdb } from "../helpers/cli";
import { createTempDir } from "../helpers/databases";

// `init` writes the same files for every database, so it connects to none; only `init --force` asks one
// whether it applied them. A --url without --force must not be dropped silently.
describe("authdb init --url", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeEach(() => {
    tmp = createTempDir("init-url");
  });
  afterEach(() => tmp.cleanup());

  test("without --force: a warning says the URL is unused, the files are written, nothing is created at that URL", async () => {
    const databaseFile = path.join(tmp.dir, "never.sqlite");
    const result = await runAuthdb(["init", "--url", `sqlite:${databaseFile}`], { cwd: tmp.dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("warning --url is not used: init writes files and connects to no database");
    expect(existsSync(path.join(tmp.dir, "migrations", "20261123000000-authdb-initial.js"))).toBe(true);
    expect(existsSync(databaseFile)).toBe(false);
  });

  test("with --force: the URL is the database asked, and no warning about it", async () => {
    expect((await runAuthdb(["init"], { cwd: tmp.dir })).code).toBe(0);
    const databaseUrl = `sqlite:${path.join(tmp.dir, "app.sqlite")}`;
    expect((await runAuthdb(["migrate", "--url", databaseUrl], { cwd: tmp.dir })).code).toBe(0);
    const refused = await runAuthdb(["init", "--force", "--url", databaseUrl], { cwd: tmp.dir });
    expect(refused.code).toBe(6);
    expect(refused.stderr).not.toContain("--url is not used");
  });

  test("init --help says what --url does for init", async () => {
    const help = await runAuthdb(["init", "--help"], { cwd: tmp.dir });
    expect(help.stdout).toMatch(/--url <database-url>\s+only with --force: the database to ask whether it\s+applied the files/);
  });
});
