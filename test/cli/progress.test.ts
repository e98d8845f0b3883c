/**
 * Issue 10, part 5: progress for long work. The built CLI runs under a real pseudo-terminal (util-linux
 * `script`), so stdout and stderr are terminals as in a person's shell, on PostgreSQL with work that takes
 * longer than the bar's delay: migrations that each sleep 50 ms (pg_sleep), 200,000 expired sessions, a
 * baseline whose row check waits on a table lock. The same commands without a terminal, with --json, in
 * CI or with TERM=dumb draw nothing. Run `npm run build` first (the CLI runs dist/).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { AUTHDB_BIN, runAuthdb } from "../helpers/cli";
import { createPostgresDatabase, createTempDir, pgQuery, type TestDatabase } from "../helpers/databases";
import { fillWithSequelizeAdapter } from "../baseline/support";

const BAR_GLYPHS = /[█░]/;
// Cursor movement, line clearing, save/restore: what a bar draws with. Colours are off (NO_COLOR) everywhere here.
const ANSI = /\x1b/;
const CLEAR_LINE = "\x1b[2K";
const ELAPSED = String.raw`\d+\.\d s`;

interface TerminalRun {
  code: number | null;
  /** Everything the terminal received, stdout and stderr as they interleaved on it. */
  screen: string;
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `authdb <args>` on a pseudo-terminal 120 columns wide. `redirect` sends stdout to a file (stderr stays
 * the terminal); `watch` sees the screen as it grows, to press Ctrl-C or release a lock at the right moment.
 */
function runInTerminal(args: string[], options: { cwd: string; env?: Record<string, string>; redirect?: string; watch?: (screen: string, terminal: ChildProcess) => void }): Promise<TerminalRun> {
  const command = [process.execPath, AUTHDB_BIN, ...args].map(quote).join(" ") + (options.redirect ? ` > ${quote(options.redirect)}` : "");
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", TERM: "xterm", ...options.env };
  if (!options.env?.CI) delete env.CI;
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const terminal = spawn("script", ["-qfec", `stty cols 120 rows 40; ${command}`, "/dev/null"], { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    terminal.stdout.on("data", (chunk) => {
      screen += chunk;
      options.watch?.(screen, terminal);
    });
    terminal.stderr.on("data", (chunk) => (screen += chunk));
    terminal.on("error", reject);
    terminal.on("close", (code) => resolve({ code, screen }));
  });
}

/** The bar's frames on the screen (each drawn from column 1). */
function frames(screen: string, title: string): string[] {
  return screen.split("\x1b[1G").filter((part) => part.startsWith(`${title} `)).map((part) => part.replace(/\x1b\[0K.*$/s, ""));
}

/** Every line authdb printed starts on a line of its own: after a newline, or where the bar was cleared. */
function expectLinesNeverShareTheBar(screen: string, marker: string): void {
  let index = screen.indexOf(marker);
  expect(index).toBeGreaterThanOrEqual(0);
  while (index >= 0) {
    const before = screen.slice(0, index);
    expect(before.endsWith("\n") || before.endsWith(CLEAR_LINE)).toBe(true);
    index = screen.indexOf(marker, index + 1);
  }
}

/** After the last frame the bar was cleared, and nothing drawn after the clear is a bar. */
function expectBarClearedAtTheEnd(screen: string, title: string, after: string): void {
  const lastFrame = screen.lastIndexOf(`\x1b[1G${title} `);
  const cleared = screen.indexOf(CLEAR_LINE, lastFrame);
  expect(cleared).toBeGreaterThan(lastFrame);
  const rest = screen.slice(cleared);
  expect(rest).not.toMatch(BAR_GLYPHS);
  expect(rest).toContain(after);
}

const SLEEP_MIGRATION = `module.exports = {
  async up(queryInterface) { await queryInterface.sequelize.query("SELECT pg_sleep(0.05)"); },
  async down(queryInterface) { await queryInterface.sequelize.query("SELECT pg_sleep(0.05)"); },
};
`;

/** A project as `authdb init` writes it, plus `sleeping` migrations that each take at least 50 ms up and down. */
async function projectWithSleepingMigrations(dir: string, sleeping: number): Promise<string[]> {
  mkdirSync(dir);
  expect((await runAuthdb(["init"], { cwd: dir })).code).toBe(0);
  for (let i = 1; i <= sleeping; i++) writeFileSync(path.join(dir, "migrations", `2026120100${String(i).padStart(4, "0")}-sleep-${i}.js`), SLEEP_MIGRATION);
  return readdirSync(path.join(dir, "migrations")).filter((file) => file.endsWith(".js")).sort();
}

describe("progress on a terminal", () => {
  let tmp: ReturnType<typeof createTempDir>;
  let db: TestDatabase;
  let dir: string;
  let migrations: string[];

  beforeAll(async () => {
    tmp = createTempDir("progress");
    db = await createPostgresDatabase("progress");
    dir = path.join(tmp.dir, "thirty");
    // authdb's own three and 29 more.
    migrations = await projectWithSleepingMigrations(dir, 29);
    expect(migrations).toHaveLength(32);
  });
  afterAll(async () => {
    await db?.drop();
    tmp?.cleanup();
  });

  const authdb = (args: string[]) => runAuthdb([...args, "--url", db.url], { cwd: dir, env: { DATABASE_URL: undefined, CI: undefined } });
  const inTerminal = (args: string[], options: Omit<Parameters<typeof runInTerminal>[1], "cwd"> = {}) => runInTerminal([...args, "--url", db.url], { cwd: dir, ...options });
  /** Back to an empty database, faster than 32 reverts. */
  const emptyDatabase = () => pgQuery(db.url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");

  test("migrate of 32 files: a bar with done/total, elapsed and the running migration; every line intact; cleared at the end", async () => {
    const { code, screen } = await inTerminal(["migrate"]);
    expect(code).toBe(0);
    const bar = frames(screen, "Migrating");
    // Each migration takes 50 ms or more, and the bar shows after 400 ms: the second half is drawn step by step.
    for (const done of [20, 25, 31]) expect(bar.some((frame) => new RegExp(`^Migrating [█░]{20} ${done}/32 migrations · ${ELAPSED}`).test(frame))).toBe(true);
    expect(bar.some((frame) => /· 2026120100\d{4}-sleep-\d+\.js up\(\)$/.test(frame))).toBe(true);
    for (const name of migrations) expect(screen).toMatch(new RegExp(`✔ ${name.replace(/\./g, "\\.")}  \\d+ ms`));
    expectLinesNeverShareTheBar(screen, "✔ ");
    expectBarClearedAtTheEnd(screen, "Migrating", "Applied 32 migrations in ");
    expect(screen).toContain("Next: `npx authdb status` shows what is applied");
  });

  test("without a terminal: no bar, no escape codes, exactly the lines migrate always printed", async () => {
    await emptyDatabase();
    const result = await authdb(["migrate"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.replace(/\d+(\.\d+)? m?s\b/g, "<t>").split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^Database: postgres:\/\/.* \(from --url\)$/),
      ...migrations.map((name) => `✔ ${name}  <t>`),
      "Applied 32 migrations in <t>.",
      "Next: `npx authdb status` shows what is applied; `npx authdb check` compares the database with your config.",
      "",
    ]);
  });

  test("--json: stdout is one JSON document with no bar and no escape code, with a terminal on stderr or none at all", async () => {
    await emptyDatabase();
    const piped = await authdb(["migrate", "--json"]);
    expect(piped.code).toBe(0);
    expect(piped.stdout).not.toMatch(ANSI);
    expect(piped.stdout).not.toMatch(BAR_GLYPHS);
    expect(JSON.stringify(JSON.parse(piped.stdout))).toContain(migrations[31]);
    expect(piped.stderr).not.toMatch(BAR_GLYPHS);

    await emptyDatabase();
    const document = path.join(tmp.dir, "migrate.json");
    const { code, screen } = await inTerminal(["migrate", "--json"], { redirect: document });
    expect(code).toBe(0);
    const stdout = readFileSync(document, "utf8");
    expect(stdout).not.toMatch(ANSI);
    expect(JSON.stringify(JSON.parse(stdout))).toContain(migrations[31]);
    // stderr is the terminal, and the run is long: still no bar with --json.
    expect(screen).toContain(`✔ ${migrations[31]}`);
    expect(screen).not.toMatch(BAR_GLYPHS);
    expect(screen).not.toContain("\x1b[1G");
  });

  test.each([
    ["CI=true", { CI: "true" }],
    ["TERM=dumb", { TERM: "dumb" }],
  ])("%s on a terminal: no bar", async (_label, env) => {
    await emptyDatabase();
    const { code, screen } = await inTerminal(["migrate"], { env });
    expect(code).toBe(0);
    expect(screen).toContain("Applied 32 migrations");
    expect(screen).not.toMatch(BAR_GLYPHS);
    expect(screen).not.toContain("\x1b[1G");
  });

  test("down --step 10: reverting n/10, cleared before the summary", async () => {
    const { code, screen } = await inTerminal(["down", "--step", "10", "--accept-data-loss"]);
    expect(code).toBe(0);
    expect(frames(screen, "Reverting").some((frame) => new RegExp(`^Reverting [█░]{20} \\d+/10 migrations · ${ELAPSED}`).test(frame))).toBe(true);
    expectLinesNeverShareTheBar(screen, "✔ reverted ");
    expectBarClearedAtTheEnd(screen, "Reverting", "Reverted 10 migrations in ");
  });

  test("Ctrl-C during migrate: the bar is cleared, the process stops, the interrupted migration is not recorded", async () => {
    await emptyDatabase();
    let pressed = false;
    const { code, screen } = await inTerminal(["migrate"], {
      watch: (text, terminal) => {
        if (pressed || !/Migrating [█░]{20} 1\d\/32/.test(text)) return;
        pressed = true;
        terminal.stdin!.write("\x03");
      },
    });
    expect(pressed).toBe(true);
    // The shell's code for a process ended by SIGINT.
    expect(code).toBe(130);
    const afterInterrupt = screen.slice(screen.lastIndexOf("^C"));
    expect(afterInterrupt).toContain(CLEAR_LINE);
    expect(afterInterrupt.slice(afterInterrupt.lastIndexOf(CLEAR_LINE))).not.toMatch(BAR_GLYPHS);
    const applied = await pgQuery<{ name: string }>(db.url, `SELECT name FROM "SequelizeMeta" ORDER BY name`);
    expect(applied.length).toBeGreaterThanOrEqual(10);
    expect(applied.length).toBeLessThan(32);
    expect(applied.map((row) => row.name)).toEqual(migrations.slice(0, applied.length));
    // The migration lock went with the connection (the server notices the closed socket within moments).
    const advisoryLocks = () => pgQuery(db.url, "SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()");
    for (let tries = 0; tries < 50 && (await advisoryLocks()).length; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await advisoryLocks()).toEqual([]);
  });

  test("prune of 200,000 expired sessions: rows done of the counted total; no 'so far' lines while the bar shows them", async () => {
    expect((await authdb(["migrate"])).code).toBe(0);
    await pgQuery(db.url, "INSERT INTO users (id, email) VALUES ('00000000-0000-0000-0000-000000000001', 'progress@example.com')");
    await pgQuery(
      db.url,
      `INSERT INTO sessions (id, session_token, user_id, expires)
       SELECT gen_random_uuid(), 'expired-' || i, '00000000-0000-0000-0000-000000000001'::uuid, now() - interval '1 hour' - i * interval '1 second' FROM generate_series(1, 200000) AS i
       UNION ALL SELECT gen_random_uuid(), 'live-' || i, '00000000-0000-0000-0000-000000000001'::uuid, now() + interval '1 day' FROM generate_series(1, 3) AS i`,
    );
    // Batches of 100: 2,000 round trips take seconds even on a fast machine, well past the bar's 400 ms
    // delay (with batches of 1,000 a quick server finished before the bar could show).
    const { code, screen } = await inTerminal(["prune", "--batch-size", "100"]);
    expect(code).toBe(0);
    const bar = frames(screen, "Pruning");
    const partial = bar.filter((frame) => /^Pruning [█░]{20} [\d,]+\/200,000 rows · \d+\.\d s · sessions$/.test(frame) && !frame.includes(" 200,000/"));
    expect(partial.length).toBeGreaterThan(0);
    expect(screen).not.toContain("removed so far");
    expect(screen).toContain("✔ sessions: 200,000 removed in 2,000 batches");
    expectLinesNeverShareTheBar(screen, "✔ ");
    expectBarClearedAtTheEnd(screen, "Pruning", "Removed 200,000 expired rows in 2,000 batches");
    expect(await pgQuery(db.url, "SELECT 1 FROM sessions")).toHaveLength(3);
  });
});

describe("verify on a terminal", () => {
  let tmp: ReturnType<typeof createTempDir>;
  let db: TestDatabase;

  beforeAll(async () => {
    tmp = createTempDir("progress-verify");
    db = await createPostgresDatabase("progress_verify");
  });
  afterAll(async () => {
    await db?.drop();
    tmp?.cleanup();
  });

  test("steps done of 5 per migration (up, down, up; all down, all up), the step running now, the summary after the bar", async () => {
    const dir = path.join(tmp.dir, "project");
    // authdb's own three and 3 more: 6 migrations.
    await projectWithSleepingMigrations(dir, 3);
    const { code, screen } = await runInTerminal(["verify", "--url", db.url], { cwd: dir });
    expect(code).toBe(0);
    const bar = frames(screen, "Verifying");
    expect(bar.some((frame) => new RegExp(`^Verifying [█░]{20} \\d+/30 steps · ${ELAPSED} · 2026120100\\d{4}-sleep-\\d\\.js (up|down)\\(\\)$`).test(frame))).toBe(true);
    expectLinesNeverShareTheBar(screen, "✔ ");
    expectBarClearedAtTheEnd(screen, "Verifying", "Every down undoes its up (6 migrations");
  });
});

describe("baseline on a terminal", () => {
  let tmp: ReturnType<typeof createTempDir>;
  let db: TestDatabase;

  beforeAll(async () => {
    tmp = createTempDir("progress-baseline");
    db = await createPostgresDatabase("progress_baseline");
    await fillWithSequelizeAdapter(db.url, "default");
  });
  afterAll(async () => {
    await db?.drop();
    tmp?.cleanup();
  });

  test("a row check that waits on a locked table shows which check of how many, then the plan", async () => {
    const dir = path.join(tmp.dir, "project");
    mkdirSync(dir);
    // Another session holds accounts: baseline's first row check (accounts without a user) waits on it.
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      clearTimeout(fallback);
      await holder.query("COMMIT");
    };
    // Without a bar the lock would never be released: let go after a while, and the test fails on its frames.
    const fallback = setTimeout(() => void release(), 10_000);
    try {
      const { code, screen } = await runInTerminal(["baseline", "--dry-run", "--url", db.url], {
        cwd: dir,
        watch: (text) => {
          if (/Baseline [█░]{20} 0\/\d+ row checks · \d+\.\d s · checking rows: accounts/.test(text)) void release();
        },
      });
      expect(code).toBe(0);
      const bar = frames(screen, "Baseline");
      expect(bar.some((frame) => /^Baseline [░]{20} 0\/3 row checks · \d+\.\d s · checking rows: accounts: NULL in user_id$/.test(frame))).toBe(true);
      // Once the lock is gone, each further check is named as it starts.
      expect(bar.some((frame) => /^Baseline [█░]{20} 2\/3 row checks · \d+\.\d s · checking rows: sessions: NULL in user_id$/.test(frame))).toBe(true);
      expectBarClearedAtTheEnd(screen, "Baseline", "Recognised an older Auth.js layout");
      expect(screen).toContain("Dry run: nothing written, nothing recorded");
    } finally {
      await release();
      await holder.end();
    }
  });
});
