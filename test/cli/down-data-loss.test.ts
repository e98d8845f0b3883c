/**
 * Issue 7 item 4: `down` never drops a table or a column that holds data unless told so explicitly
 * (--accept-data-loss), in CI and production as much as locally; reverting empty tables needs no flag.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { AUTHJS_TABLES, DIALECTS, EXACT_TEXT, EXPIRY_INDEXES, INITIAL, MARIADB, STACK_FRAME, createProject, listColumns, listTables, outsideExecute, outsideQuery, recordedNames, type TestProject } from "../migrator/support";

const NICKNAME = "20261124000008-adds-nickname.js";
const USER_ID = "3f1c2b7e-8a9d-4c5e-9f01-23456789abcd";

describe.each(DIALECTS)("down and data on $dialect", (dialect) => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  const addUserWithSession = async () => {
    await outsideExecute(project.db.url, `INSERT INTO users (id, email) VALUES ('${USER_ID}', 'a@example.com')`);
    await outsideExecute(
      project.db.url,
      `INSERT INTO sessions (id, session_token, user_id, expires) VALUES ('9f1c2b7e-8a9d-4c5e-9f01-23456789abcd', 'tok', '${USER_ID}', '2030-01-01 00:00:00')`,
    );
  };

  test.each([
    ["down --step 3 (exact text, the expiry indexes, then the initial migration)", ["down", "--step", "3"], {}],
    ["down --to 0", ["down", "--to", "0"], {}],
    ["down --to 0 with CI=true NODE_ENV=production", ["down", "--to", "0"], { CI: "true", NODE_ENV: "production" }],
  ])("%s is refused (exit 1) naming the tables and their rows; nothing changes", async (_what, args, env) => {
    project = await createProject(`down_refused_${dialect.dialect}`, dialect);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await addUserWithSession();

    const result = await project.authdb(args, env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`Error: reverting ${EXACT_TEXT}, ${EXPIRY_INDEXES}, ${INITIAL} would drop data: .*table users \\(1 row\\)`));
    expect(result.stderr).toMatch(/table sessions \(1 row\)/);
    expect(result.stderr).not.toMatch(/table accounts/);
    expect(result.stderr).toMatch(/Hint: .*--accept-data-loss/);
    expect(result.stderr).not.toMatch(STACK_FRAME);

    const tables = await listTables(project.db.url);
    for (const table of AUTHJS_TABLES) expect(tables).toContain(table);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
  });

  test("down --to 0 across two migrations is refused as a whole, before the first revert", async () => {
    project = await createProject(`down_whole_${dialect.dialect}`, dialect, [NICKNAME]);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await addUserWithSession();
    const result = await project.authdb(["down", "--to", "0"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`reverting ${NICKNAME}, ${EXACT_TEXT}, ${EXPIRY_INDEXES}, ${INITIAL} would drop data`));
    // The newest (an empty column) was not reverted on its own either.
    expect(await listColumns(project.db.url, "users")).toContain("nickname");
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, NICKNAME]);
  });

  test("a dropped column with values is refused, naming the column; with NULLs only it is reverted", async () => {
    project = await createProject(`down_column_${dialect.dialect}`, dialect, [NICKNAME]);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await addUserWithSession();

    // The column exists but holds no value: dropping it loses nothing.
    const empty = await project.authdb(["down"]);
    expect(empty.code).toBe(0);
    expect(await listColumns(project.db.url, "users")).not.toContain("nickname");

    expect((await project.authdb(["migrate"])).code).toBe(0);
    await outsideExecute(project.db.url, `UPDATE users SET nickname = 'ann'`);
    const refused = await project.authdb(["down"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`reverting ${NICKNAME} would drop data: column users\\.nickname \\(1 value\\)`));
    expect(await listColumns(project.db.url, "users")).toContain("nickname");
  });

  test.each([
    ["deletes rows", `await queryInterface.bulkDelete("users", {});`, /reverting 20261124000009-cleanup\.js would drop data: 1 row of users/],
    [
      "drops and re-adds a column",
      `await queryInterface.removeColumn("users", "name"); await queryInterface.addColumn("users", "name", { type: Sequelize.STRING(255) });`,
      /would drop data: 1 value of users\.name/,
    ],
  ])("a down that %s while every table and column survives is refused too", async (_what, down, message) => {
    project = await createProject(`down_content_${dialect.dialect}`, dialect);
    writeFileSync(path.join(project.migrationsDir, "20261124000009-cleanup.js"), `module.exports = { async up() {}, async down(queryInterface, Sequelize) { ${down} } };\n`);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await outsideExecute(project.db.url, `INSERT INTO users (id, name, email) VALUES ('${USER_ID}', 'Ann', 'a@example.com')`);
    const result = await project.authdb(["down"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(await outsideQuery(project.db.url, "SELECT name FROM users")).toEqual([{ name: "Ann" }]);
  });

  test("--accept-data-loss reverts; an empty database needs no flag; --dry-run still shows the SQL", async () => {
    project = await createProject(`down_accept_${dialect.dialect}`, dialect);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    // No rows anywhere: nothing to lose.
    const empty = await project.authdb(["down", "--to", "0"]);
    expect(empty.code).toBe(0);
    expect(await listTables(project.db.url)).not.toContain("users");

    expect((await project.authdb(["migrate"])).code).toBe(0);
    await addUserWithSession();
    const dry = await project.authdb(["down", "--to", "0", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/DROP TABLE/i);
    const forced = await project.authdb(["down", "--to", "0", "--accept-data-loss"], { CI: "true" });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(new RegExp(`reverted ${INITIAL}`));
    expect(await listTables(project.db.url)).not.toContain("users");
    expect((await recordedNames(project.db.url)).meta).toEqual([]);
  });
});

/**
 * Issue 11 (D11): MySQL/MariaDB commit DDL, so the revert cannot be tried and rolled back. There `down`
 * previews it (reads sent, nothing else), takes what it would drop from the statements it would send, and
 * counts those tables' rows and columns' values; a statement it cannot classify keeps the revert refused.
 */
describe("down and data on mariadb (preview mode)", () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  const addUserWithSession = async () => {
    await outsideExecute(project.db.url, `INSERT INTO users (id, email) VALUES ('${USER_ID}', 'a@example.com')`);
    await outsideExecute(
      project.db.url,
      `INSERT INTO sessions (id, session_token, user_id, expires) VALUES ('9f1c2b7e-8a9d-4c5e-9f01-23456789abcd', 'tok', '${USER_ID}', '2030-01-01 00:00:00')`,
    );
  };
  const schemaOf = (url: string) =>
    outsideQuery(url, "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, COLUMN_NAME");
  const cleanup = (down: string) => `module.exports = { async up() {}, async down(queryInterface, Sequelize) { ${down} } };\n`;

  test("down --to 0 of tables with rows is refused (exit 1) naming the tables and their rows; nothing changes", async () => {
    project = await createProject("down_refused_mariadb", MARIADB, [NICKNAME]);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await addUserWithSession();
    const before = await schemaOf(project.db.url);

    const result = await project.authdb(["down", "--to", "0"], { CI: "true", NODE_ENV: "production" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`Error: reverting ${NICKNAME}, ${EXACT_TEXT}, ${EXPIRY_INDEXES}, ${INITIAL} would drop data: .*table sessions \\(1 row\\)`));
    expect(result.stderr).toMatch(/table users \(1 row\)/);
    // The users table goes as a whole: its empty nickname column is not named on its own; empty tables are not named.
    expect(result.stderr).not.toMatch(/nickname \(|table accounts|table authenticators|table verification_tokens/);
    expect(result.stderr).toMatch(/Hint: .*--accept-data-loss/);
    expect(result.stderr).not.toMatch(STACK_FRAME);

    expect(await schemaOf(project.db.url)).toEqual(before);
    expect((await recordedNames(project.db.url)).meta).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT, NICKNAME]);
    // Nothing recorded either (the bookkeeping table exists since the first migrate: its record of each
    // migration, written before it ran, went when the migration finished).
    expect(await outsideQuery(project.db.url, "SELECT name FROM authdb_partial_migrations")).toEqual([]);
  });

  test("a dropped column with values is refused, naming the column; with NULLs only it is reverted without the flag", async () => {
    project = await createProject("down_column_mariadb", MARIADB, [NICKNAME]);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await addUserWithSession();
    await outsideExecute(project.db.url, `UPDATE users SET nickname = 'ann'`);

    const refused = await project.authdb(["down"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`reverting ${NICKNAME} would drop data: column users\\.nickname \\(1 value\\)\\. Nothing was changed`));
    expect(await listColumns(project.db.url, "users")).toContain("nickname");

    await outsideExecute(project.db.url, `UPDATE users SET nickname = NULL`);
    const empty = await project.authdb(["down"]);
    expect(empty.code).toBe(0);
    expect(await listColumns(project.db.url, "users")).not.toContain("nickname");
    expect(await outsideQuery(project.db.url, "SELECT email FROM users")).toEqual([{ email: "a@example.com" }]);
  });

  test("exact text's down, refused by the migration itself (rows that would share a key), says so, not --accept-data-loss; nothing changes", async () => {
    project = await createProject("down_exact_mariadb", MARIADB);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await outsideExecute(project.db.url, "INSERT INTO users (id, email) VALUES (UUID(), 'Ada@example.com'), (UUID(), 'ada@example.com')");
    const collations = () => outsideQuery(project.db.url, "SELECT TABLE_NAME, COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, COLUMN_NAME");
    const before = await collations();
    const result = await project.authdb(["down"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: ${EXACT_TEXT} (down) failed: 2 rows of users would share the unique key users_email_unique (email)`);
    expect(result.stderr).toMatch(/Hint: Nothing was changed: its down\(\) refused when previewed/);
    expect(result.stderr).not.toContain("cannot check whether this revert drops data");
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(await collations()).toEqual(before);
    expect((await recordedNames(project.db.url)).meta).toContain(EXACT_TEXT);
  });

  test("empty tables revert without --accept-data-loss; with rows, --accept-data-loss reverts", async () => {
    project = await createProject("down_empty_mariadb", MARIADB);
    expect((await project.authdb(["migrate"])).code).toBe(0);
    const empty = await project.authdb(["down", "--to", "0"]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(new RegExp(`reverted ${INITIAL}`));
    for (const table of AUTHJS_TABLES) expect(await listTables(project.db.url)).not.toContain(table);
    expect((await recordedNames(project.db.url)).meta).toEqual([]);

    expect((await project.authdb(["migrate"])).code).toBe(0);
    await addUserWithSession();
    const forced = await project.authdb(["down", "--to", "0", "--accept-data-loss"], { CI: "true" });
    expect(forced.code).toBe(0);
    expect(await listTables(project.db.url)).not.toContain("users");
  });

  test.each([
    ["deletes rows", `await queryInterface.bulkDelete("users", {});`, "DELETE FROM `users`"],
    ["updates rows", `await queryInterface.bulkUpdate("users", { name: null }, {});`, "UPDATE `users` SET `name`=?"],
    ["sends raw SQL it does not understand", `await queryInterface.sequelize.query("TRUNCATE TABLE users");`, "TRUNCATE TABLE users"],
  ])("a down that %s stays refused (UncheckedRevertError), naming the statement; nothing changes", async (_what, down, statement) => {
    project = await createProject("down_unchecked_mariadb", MARIADB);
    writeFileSync(path.join(project.migrationsDir, "20261124000009-cleanup.js"), cleanup(down));
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await outsideExecute(project.db.url, `INSERT INTO users (id, name, email) VALUES ('${USER_ID}', 'Ann', 'a@example.com')`);
    const result = await project.authdb(["down"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Error: cannot check whether this revert drops data: 20261124000009-cleanup.js's down() would send a statement the check cannot classify as loss-free or a drop: ${statement}`,
    );
    expect(result.stderr).toMatch(/Hint: .*--accept-data-loss/);
    expect(await outsideQuery(project.db.url, "SELECT name FROM users")).toEqual([{ name: "Ann" }]);
    expect((await recordedNames(project.db.url)).meta).toContain("20261124000009-cleanup.js");
  });

  test("a column change: narrowing a column with values is refused naming the statement; widening it, or renaming, is reverted", async () => {
    project = await createProject("down_change_mariadb", MARIADB);
    writeFileSync(
      path.join(project.migrationsDir, "20261124000009-narrows.js"),
      cleanup(`await queryInterface.changeColumn("users", "name", { type: Sequelize.STRING(3), allowNull: true });`),
    );
    writeFileSync(
      path.join(project.migrationsDir, "20261124000010-widens.js"),
      cleanup(`await queryInterface.changeColumn("users", "name", { type: Sequelize.STRING(500), allowNull: true }); await queryInterface.renameColumn("users", "image", "picture");`),
    );
    expect((await project.authdb(["migrate"])).code).toBe(0);
    await outsideExecute(project.db.url, `INSERT INTO users (id, name, email, image) VALUES ('${USER_ID}', 'Annabel', 'a@example.com', 'x.png')`);

    const widened = await project.authdb(["down"]);
    expect(widened.code).toBe(0);
    expect(await outsideQuery(project.db.url, "SELECT name, picture FROM users")).toEqual([{ name: "Annabel", picture: "x.png" }]);

    const narrowed = await project.authdb(["down"]);
    expect(narrowed.code).toBe(1);
    expect(narrowed.stderr).toContain(
      "cannot check whether this revert drops data: 20261124000009-narrows.js's down() would change users.name, which holds 1 value, to a type the check cannot tell keeps them: ALTER TABLE `users` CHANGE `name` `name` VARCHAR(3);",
    );
    expect(await outsideQuery(project.db.url, "SELECT name FROM users")).toEqual([{ name: "Annabel" }]);
  });
});
