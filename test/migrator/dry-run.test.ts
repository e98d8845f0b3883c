/**
 * Issue 4 point 4: `migrate --dry-run` prints the SQL of each pending migration, in order, and leaves the
 * database exactly as it was (not even authdb's own tables); `--json` is one document on stdout.
 */
import { DIALECTS, EXACT_TEXT, EXPIRY_INDEXES, INITIAL, MARIADB, createProject, fixture, listTables, outsideExecute, outsideQuery, recordedNames, writeMigration, type TestProject } from "./support";

/** What a dry run prints for a migration it cannot roll back, so it does not run it at all. */
const SKIPPED = "-- not executed: this migration opts out of transactions (transaction = false), so it cannot be rolled back";

const CREATE_TABLE = { postgres: (t: string) => `CREATE TABLE IF NOT EXISTS "${t}"`, sqlite: (t: string) => `CREATE TABLE IF NOT EXISTS \`${t}\`` };

describe.each(DIALECTS)("dry run on $dialect", (dialect) => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());
  const create = CREATE_TABLE[dialect.dialect];

  test("on an empty database: prints each pending migration's CREATE TABLEs in order, exits 0, creates nothing", async () => {
    project = await createProject(`dry_${dialect.dialect}`, dialect, [fixture.extraOne, fixture.extraTwo]);
    const result = await project.authdb(["migrate", "--dry-run"]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const out = result.stdout;
    const positions = [
      out.indexOf(`-- ${INITIAL}`),
      ...["users", "accounts", "sessions", "verification_tokens", "authenticators"].map((t) => out.indexOf(create(t))),
      out.indexOf(`-- ${EXPIRY_INDEXES}\n${SKIPPED}`),
      out.indexOf(`-- ${EXACT_TEXT}`),
      out.indexOf(`-- ${fixture.extraOne}`),
      out.indexOf(create("extra_one")),
      out.indexOf(`-- ${fixture.extraTwo}`),
      out.indexOf(create("extra_two")),
    ];
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(out).toMatch(/ALTER TABLE .*extra_one.* ADD .*label/);
    // authdb's expiry-index migration builds its indexes CONCURRENTLY outside a transaction: listed, not run.
    expect(out).not.toMatch(/sessions_expires|verification_tokens_expires/);
    // The count includes the migration listed as not executed, so only the count and the outcome are pinned.
    expect(out).toMatch(/Dry run: 5 pending migrations[^\n]*nothing changed/);
    // authdb's bookkeeping is not part of what the migrations would run.
    expect(out).not.toMatch(/SequelizeMeta|authdb_migrations|authdb_lock|START TRANSACTION|BEGIN|ROLLBACK/);

    // Untouched: no Auth.js table, no SequelizeMeta, no authdb_migrations, no authdb_lock.
    expect(await listTables(project.db.url)).toEqual([]);

    // The real run afterwards applies the same four.
    const real = await project.authdb(["migrate"]);
    expect(real.code).toBe(0);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne, fixture.extraTwo]);
  });

  test("--json: one JSON document on stdout with the statements per migration, progress on stderr", async () => {
    project = await createProject(`dry_json_${dialect.dialect}`, dialect, [fixture.extraOne]);
    const result = await project.authdb(["migrate", "--dry-run", "--json"]);

    expect(result.code).toBe(0);
    const envelope = JSON.parse(result.stdout);
    expect(envelope).toMatchObject({ command: "migrate", ok: true, data: { dryRun: true, applied: [] } });
    const doc = envelope.data;
    expect(doc.statements.map((m: { name: string }) => m.name)).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne]);
    expect(doc.statements[0].statements[0]).toContain(create("users"));
    expect(doc.statements[1]).toEqual({ name: EXPIRY_INDEXES, statements: [], skipped: SKIPPED.slice("-- ".length) });
    // Exact text changes nothing on PostgreSQL and SQLite.
    expect(doc.statements[2]).toEqual({ name: EXACT_TEXT, statements: [] });
    expect(doc.statements[3].statements).toEqual([expect.stringContaining(create("extra_one"))]);
    expect(result.stderr).toContain("Database:");
    expect(result.stderr).toContain("Dry run:");
    expect(await listTables(project.db.url)).toEqual([]);
  });

  test("after a partial apply: only the pending migrations; the applied state is left exactly as it was", async () => {
    project = await createProject(`dry_partial_${dialect.dialect}`, dialect, [fixture.extraOne]);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    project.addFixture(fixture.extraTwo);
    const before = { tables: await listTables(project.db.url), names: await recordedNames(project.db.url) };

    const result = await project.authdb(["migrate", "--dry-run", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).data.statements.map((m: { name: string }) => m.name)).toEqual([fixture.extraTwo]);
    expect({ tables: await listTables(project.db.url), names: await recordedNames(project.db.url) }).toEqual(before);
    expect(JSON.parse((await project.authdb(["status", "--json"])).stdout).data.pending).toEqual([fixture.extraTwo]);

    // down --dry-run prints the revert and changes nothing either.
    const down = await project.authdb(["down", "--dry-run"]);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/DROP TABLE/);
    expect({ tables: await listTables(project.db.url), names: await recordedNames(project.db.url) }).toEqual(before);
  });

  test("a migration with transaction = false is listed as not executed, not run", async () => {
    project = await createProject(`dry_optout_${dialect.dialect}`, dialect, [fixture.noTransactionFails]);
    const result = await project.authdb(["migrate", "--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`-- ${fixture.noTransactionFails}\n${SKIPPED}`);
    expect(await listTables(project.db.url)).toEqual([]);
  });
});

/**
 * Issue 11 (D11): MySQL/MariaDB commit DDL, so there the dry run is a preview: each migration runs with its
 * reads executed and every other statement captured, not sent. Nothing is created, not even authdb's tables.
 */
describe("dry run on mariadb (preview mode)", () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  const NOTE = /^-- not executed: MySQL and MariaDB commit DDL, so this is the SQL each migration would send against today's schema; the server's own refusals \(a duplicate column, a key too long, a foreign-key mismatch\) and steps that depend on what an earlier step wrote are not shown$/m;

  /** Everything a migration or authdb could have changed, read from outside: tables, columns, indexes, history. */
  const snapshot = async (url: string) => ({
    columns: await outsideQuery(url, "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, COLUMN_NAME"),
    indexes: await outsideQuery(url, "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"),
    history: await recordedNames(url),
  });

  test("on an empty database: prints the note and each migration's SQL in order, exits 0, creates nothing", async () => {
    project = await createProject("dry_mariadb", MARIADB, [fixture.extraOne, fixture.extraTwo]);
    const result = await project.authdb(["migrate", "--dry-run"]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const out = result.stdout;
    expect(out).toMatch(NOTE);
    const positions = [
      out.indexOf(`-- ${INITIAL}`),
      ...["users", "accounts", "sessions", "verification_tokens", "authenticators"].map((t) => out.indexOf(`CREATE TABLE IF NOT EXISTS \`${t}\``)),
      // transaction = false changes nothing here: a preview sends no change at all, so its SQL is shown.
      out.indexOf(`-- ${EXPIRY_INDEXES}\nALTER TABLE \`sessions\` ADD INDEX \`sessions_expires\``),
      // Its tables do not exist during the preview, so it has no text to convert yet: only its reads.
      out.indexOf(`-- ${EXACT_TEXT}\nSELECT VERSION() AS version`),
      out.indexOf(`-- ${fixture.extraOne}`),
      out.indexOf("CREATE TABLE IF NOT EXISTS `extra_one`"),
      out.indexOf(`-- ${fixture.extraTwo}`),
      out.indexOf("CREATE TABLE IF NOT EXISTS `extra_two`"),
      out.indexOf("ALTER TABLE `extra_one` ADD `label` VARCHAR(40);"),
    ];
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(out).toMatch(/Dry run: 5 pending migrations: 5 previewed \(reads executed, nothing else sent\); nothing changed/);
    expect(out).not.toMatch(/SequelizeMeta|authdb_migrations|authdb_partial|START TRANSACTION|ROLLBACK/);

    // Untouched, read from outside: no table at all (no SequelizeMeta, no authdb_migrations).
    expect(await listTables(project.db.url)).toEqual([]);
    const real = await project.authdb(["migrate"]);
    expect(real.code).toBe(0);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne, fixture.extraTwo]);
  });

  test("--json: the statements per migration, as on PostgreSQL (no skipped entry); the note on stderr", async () => {
    project = await createProject("dry_json_mariadb", MARIADB, [fixture.extraOne]);
    const result = await project.authdb(["migrate", "--dry-run", "--json"]);

    expect(result.code).toBe(0);
    const envelope = JSON.parse(result.stdout);
    expect(envelope).toMatchObject({ command: "migrate", ok: true, data: { dryRun: true, applied: [] } });
    const doc = envelope.data;
    expect(doc.statements.map((m: { name: string }) => m.name)).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, fixture.extraOne]);
    expect(doc.statements[0].statements[0]).toContain("CREATE TABLE IF NOT EXISTS `users`");
    expect(doc.statements[1]).toEqual({
      name: EXPIRY_INDEXES,
      statements: ["ALTER TABLE `sessions` ADD INDEX `sessions_expires` (`expires`)", "ALTER TABLE `verification_tokens` ADD INDEX `verification_tokens_expires` (`expires`)"],
    });
    // It reads the catalog (sent, and listed like every statement); its tables are only previewed, so no ALTER.
    expect(doc.statements[2].name).toBe(EXACT_TEXT);
    expect(doc.statements[2].statements.length).toBeGreaterThan(0);
    expect(doc.statements[2].statements.filter((sql: string) => !/^SELECT /.test(sql))).toEqual([]);
    expect(doc.statements[3]).toEqual({ name: fixture.extraOne, statements: [expect.stringContaining("CREATE TABLE IF NOT EXISTS `extra_one`")] });
    expect(result.stderr).toMatch(NOTE);
    expect(await listTables(project.db.url)).toEqual([]);
  });

  test("after a migrate: migrate and down --dry-run list the SQL and leave schema and history exactly as they were", async () => {
    project = await createProject("dry_partial_mariadb", MARIADB, [fixture.extraOne]);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await outsideExecute(project.db.url, "INSERT INTO extra_one (id) VALUES (1)");
    project.addFixture(fixture.extraTwo);
    const before = await snapshot(project.db.url);

    const up = await project.authdb(["migrate", "--dry-run", "--json"]);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout).data.statements).toEqual([
      { name: fixture.extraTwo, statements: [expect.stringContaining("CREATE TABLE IF NOT EXISTS `extra_two`"), "ALTER TABLE `extra_one` ADD `label` VARCHAR(40);"] },
    ]);
    expect(await snapshot(project.db.url)).toEqual(before);

    const down = await project.authdb(["down", "--to", "0", "--dry-run"]);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(NOTE);
    const order = [`-- ${fixture.extraOne}`, "DROP TABLE IF EXISTS `extra_one`;", `-- ${EXACT_TEXT}`, "ALTER TABLE `authenticators` MODIFY `credential_id` varchar(255) CHARACTER SET utf8mb4 COLLATE ", `-- ${EXPIRY_INDEXES}`, "DROP INDEX `sessions_expires` ON `sessions`;", `-- ${INITIAL}`, "DROP TABLE IF EXISTS `users`;"].map((text) =>
      down.stdout.indexOf(text),
    );
    expect(order.every((p) => p >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(down.stdout).toMatch(/Dry run: 4 migrations previewed \(reads executed, nothing else sent\); nothing changed/);
    // Not even the data-loss check's record, nor a partial-migration row: nothing at all.
    expect(await snapshot(project.db.url)).toEqual(before);
    expect(await outsideQuery(project.db.url, "SELECT COUNT(*) AS n FROM extra_one")).toEqual([{ n: 1 }]);
    expect(JSON.parse((await project.authdb(["status", "--json"])).stdout).data.pending).toEqual([fixture.extraTwo]);
  });

  test("reads run against the real database: a migration that reads the catalog first previews the branch it would take", async () => {
    project = await createProject("dry_reads_mariadb", MARIADB);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await outsideExecute(project.db.url, "ALTER TABLE users ADD nickname VARCHAR(64) NULL");
    writeMigration(
      project,
      "20261124000010-reads-first.js",
      `module.exports = {
        async up(queryInterface, Sequelize) {
          const columns = await queryInterface.describeTable("users");
          const [rows] = await queryInterface.sequelize.query("SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'");
          await queryInterface.addColumn("users", columns.nickname ? "nickname_" + rows[0].n : "nickname", { type: Sequelize.STRING(64), allowNull: true });
        },
        async down() {},
      };\n`,
    );
    const result = await project.authdb(["migrate", "--dry-run"]);
    expect(result.code).toBe(0);
    // users has 6 columns now (5 + nickname): both reads saw the live table.
    expect(result.stdout).toContain("ALTER TABLE `users` ADD `nickname_6` VARCHAR(64);");
    expect(result.stdout).toContain("SHOW FULL COLUMNS FROM `users`;");
    expect((await outsideQuery<{ n: number }>(project.db.url, "SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'"))[0]!.n).toBe(6);
  });

  test("reads run in a read-only session: a SELECT whose stored function writes is refused, not run; GET_LOCK is captured and answers no rows", async () => {
    project = await createProject("dry_readonly_mariadb", MARIADB);
    await outsideExecute(project.db.url, "CREATE TABLE audit (n INT)");
    await outsideExecute(project.db.url, "CREATE FUNCTION audited() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO audit VALUES (1); RETURN 1; END");
    writeMigration(
      project,
      "20261124000012-select-writes.js",
      `module.exports = {
        async up(queryInterface) {
          const [rows] = await queryInterface.sequelize.query("SELECT GET_LOCK('authdb_review', 0) AS got");
          if (!Array.isArray(rows)) throw new Error("a captured SELECT must answer rows");
          await queryInterface.sequelize.query("SELECT audited() AS n");
        },
        async down() {},
      };\n`,
    );
    const result = await project.authdb(["migrate", "--dry-run"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/20261124000012-select-writes\.js.*READ ONLY/is);
    expect(result.stderr).toMatch(/Hint: This was a dry run: only reads were sent, nothing was changed/);
    expect(await outsideQuery(project.db.url, "SELECT n FROM audit")).toEqual([]);
    // The session went back to read-write: a real migrate on the same database works.
    expect((await project.authdb(["migrate"])).code).toBe(0);
    expect(await outsideQuery(project.db.url, "SELECT n FROM audit")).toEqual([{ n: 1 }]);
  });

  test("a step that reads what an earlier previewed step would have created fails, saying nothing was changed", async () => {
    project = await createProject("dry_fails_mariadb", MARIADB);
    writeMigration(
      project,
      "20261124000011-reads-own-table.js",
      `module.exports = {
        async up(queryInterface, Sequelize) {
          await queryInterface.createTable("fresh", { id: { type: Sequelize.INTEGER, primaryKey: true } });
          await queryInterface.sequelize.query("SELECT COUNT(*) FROM fresh");
        },
        async down() {},
      };\n`,
    );
    const result = await project.authdb(["migrate", "--dry-run"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/20261124000011-reads-own-table\.js.*fresh/);
    expect(result.stderr).toMatch(/Hint: This was a dry run: only reads were sent, nothing was changed/);
    expect(await listTables(project.db.url)).toEqual([]);
  });
});
