/**
 * Issue 11: on MariaDB a migration run sends every statement through the lock's one connection
 * (runConnection.ts). A migration that opens its own transaction and then sends a statement without
 * `{ transaction: t }` would have that statement silently join the transaction (on PostgreSQL it runs on
 * another connection, beside it), and a second transaction opened meanwhile would commit the first at its
 * BEGIN. Both are refused, not sent, with the mistake named; migrations that pass the transaction run.
 */
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Sequelize } from "sequelize";
import { createSequelize } from "../../src/database";
import { MigrationFailedError } from "../../src/errors";
import { migrate } from "../../src/migrator";
import { createMariaDatabase, createTempDir, mysqlQuery, type TestDatabase } from "../helpers/databases";

const CREATE_T = "20261201000000-create-t.js";
const CREATE_T_SOURCE = `"use strict";
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable("t", { id: { type: Sequelize.INTEGER, primaryKey: true, allowNull: false }, label: Sequelize.STRING(40) });
  },
  async down(queryInterface) {
    await queryInterface.dropTable("t");
  },
};
`;

/** A migration whose up() is `body` (queryInterface as `qi`, its Sequelize instance as `sequelize`). */
const migration = (body: string) => `"use strict";
module.exports = {
  async up(qi) {
    const sequelize = qi.sequelize;
${body}
  },
  async down() {},
};
`;

describe("MariaDB: a migration's own transaction on the run's one connection", () => {
  let database: TestDatabase;
  let sequelize: Sequelize;
  let temp: ReturnType<typeof createTempDir>;

  beforeEach(async () => {
    database = await createMariaDatabase("pinned_tx");
    sequelize = createSequelize(database.url);
    temp = createTempDir("pinned-tx");
    writeFileSync(path.join(temp.dir, CREATE_T), CREATE_T_SOURCE);
  });

  afterEach(async () => {
    await sequelize?.close();
    await database?.drop();
    temp?.cleanup();
  });

  const run = (name: string, body: string) => {
    writeFileSync(path.join(temp.dir, name), migration(body));
    return migrate(sequelize, { migrationsDir: temp.dir });
  };
  const failure = (call: Promise<unknown>) => call.then(() => new Error("the run succeeded"), (e: unknown) => e as Error);
  const rows = () => mysqlQuery<{ id: number; label: string }>(database.url, "SELECT id, label FROM t ORDER BY id");
  const applied = async () => (await mysqlQuery<{ name: string }>(database.url, "SELECT name FROM SequelizeMeta ORDER BY name")).map((r) => r.name);

  test("a statement without { transaction: t } inside sequelize.transaction(cb) is refused: the migration fails, nothing of it stays", async () => {
    const name = "20261201000001-forgets-transaction.js";
    const error = await failure(
      run(
        name,
        `    await sequelize.transaction(async (t) => {
      await qi.bulkInsert("t", [{ id: 1, label: "in the transaction" }], { transaction: t });
      await qi.bulkInsert("t", [{ id: 2, label: "meant for it, but not passed it" }]);
    });`,
      ),
    );
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as MigrationFailedError).migration).toBe(name);
    expect(error.message).toMatch(new RegExp(`^${name} \\(up\\) failed: the migration sent a statement without \\{ transaction: t \\} while its transaction \\S+ was open`));
    expect(error.message).toContain("so it would have silently become part of that transaction (refused, not sent). Pass { transaction: t } to every statement meant to be part of it");
    // The transaction rolled back with the failure, and the refused statement never reached the server.
    expect(await rows()).toEqual([]);
    expect(await applied()).toEqual([CREATE_T]);
  });

  test("an unmanaged transaction: a statement beside it is refused before the commit", async () => {
    const name = "20261201000002-unmanaged.js";
    const error = await failure(
      run(
        name,
        `    const t = await sequelize.transaction();
    try {
      await qi.bulkInsert("t", [{ id: 1, label: "in the transaction" }], { transaction: t });
      await sequelize.query("UPDATE t SET label = 'changed outside it'");
      await t.commit();
    } catch (error) {
      await t.rollback();
      throw error;
    }`,
      ),
    );
    expect((error as MigrationFailedError).migration).toBe(name);
    expect(error.message).toContain("sent a statement without { transaction: t }");
    expect(await rows()).toEqual([]);
    expect(await applied()).toEqual([CREATE_T]);
  });

  test("a second transaction opened while the first is open is refused (its BEGIN would commit the first)", async () => {
    const name = "20261201000003-second-transaction.js";
    const error = await failure(
      run(
        name,
        `    await sequelize.transaction(async (t) => {
      await qi.bulkInsert("t", [{ id: 1, label: "first" }], { transaction: t });
      await sequelize.transaction(async (u) => {
        await qi.bulkInsert("t", [{ id: 2, label: "second" }], { transaction: u });
      });
      throw new Error("the first is rolled back");
    });`,
      ),
    );
    expect((error as MigrationFailedError).migration).toBe(name);
    expect(error.message).toMatch(/the migration opened a second transaction while its transaction \S+ was open; .* where that BEGIN would commit the first transaction/);
    expect(error.message).toContain("Nest it in the open one (sequelize.transaction({ transaction: t }, …), a savepoint)");
    expect(await rows()).toEqual([]);
    expect(await applied()).toEqual([CREATE_T]);
  });

  test("a migration that passes its transaction everywhere runs: in it, nested in it, and after it without one", async () => {
    const name = "20261201000004-passes-transaction.js";
    await run(
      name,
      `    await sequelize.transaction(async (t) => {
      await qi.bulkInsert("t", [{ id: 1, label: "one" }], { transaction: t });
      await sequelize.transaction({ transaction: t }, async (savepoint) => {
        await qi.bulkInsert("t", [{ id: 2, label: "two" }], { transaction: savepoint });
      });
      await sequelize.query("UPDATE t SET label = 'one, updated' WHERE id = 1", { transaction: t });
    });
    const t = await sequelize.transaction();
    await qi.bulkInsert("t", [{ id: 3, label: "three" }], { transaction: t });
    await t.commit();
    await qi.bulkInsert("t", [{ id: 4, label: "after, without one" }]);`,
    );
    expect(await rows()).toEqual([
      { id: 1, label: "one, updated" },
      { id: 2, label: "two" },
      { id: 3, label: "three" },
      { id: 4, label: "after, without one" },
    ]);
    expect(await applied()).toEqual([CREATE_T, name]);
  });

  test("the app's own statements on the same instance, outside the run, are not refused while a migration's transaction is open", async () => {
    const name = "20261201000005-holds-transaction.js";
    const gate = `pinned_tx_gate_${Math.random().toString(36).slice(2)}`;
    await mysqlQuery(database.url, "CREATE TABLE app_log (id INT PRIMARY KEY)");
    // An outside session holds a user lock the migration waits for inside its transaction.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
    const holder = await mysql.createConnection({ host: "127.0.0.1", user: "root" });
    try {
      await holder.query("SELECT GET_LOCK(?, 0)", [gate]);
      const running = run(
        name,
        `    await sequelize.transaction(async (t) => {
      await qi.bulkInsert("t", [{ id: 1, label: "held" }], { transaction: t });
      await sequelize.query("SELECT GET_LOCK('${gate}', 60)", { transaction: t });
      await sequelize.query("SELECT RELEASE_LOCK('${gate}')", { transaction: t });
    });`,
      );
      const waiting = async () =>
        (await mysqlQuery<{ n: number }>(database.url, "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE ?", [`SELECT GET_LOCK('${gate}'%`]))[0]!.n > 0;
      for (let i = 0; i < 400 && !(await waiting()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await waiting()).toBe(true);
      // The migration's transaction is open now: the app's write on the same instance goes through the pool.
      await sequelize.query("INSERT INTO app_log (id) VALUES (1)");
      await holder.query("SELECT RELEASE_LOCK(?)", [gate]);
      await running;
    } finally {
      await holder.end();
    }
    expect(await mysqlQuery(database.url, "SELECT id FROM app_log")).toEqual([{ id: 1 }]);
    expect(await rows()).toEqual([{ id: 1, label: "held" }]);
    expect(await applied()).toEqual([CREATE_T, name]);
  });
  test("a transaction the migration leaves open is rolled back: the connection goes back to the pool clean, and the next run works", async () => {
    const name = "20261201000006-left-open.js";
    const error = await failure(
      run(
        name,
        `    const t = await sequelize.transaction();
    await qi.bulkInsert("t", [{ id: 1, label: "left open" }], { transaction: t });`,
      ),
    );
    // authdb's own record of the migration is the statement refused.
    expect((error as MigrationFailedError).migration).toBe(name);
    expect(error.message).toContain("commit or roll back every transaction the migration opens before it returns");
    // No transaction of this instance is open on the server any more (InnoDB lists open ones that wrote).
    const openHere = "SELECT t.trx_mysql_thread_id FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE p.DB = DATABASE()";
    expect(await mysqlQuery(database.url, openHere)).toEqual([]);

    // The same instance runs a fixed migration (another file: Node caches the first one's module): its
    // connections carry no open transaction, nor its mark.
    rmSync(path.join(temp.dir, name));
    const fixed = "20261201000007-fixed.js";
    await run(fixed, `    await sequelize.transaction(async (t) => qi.bulkInsert("t", [{ id: 1, label: "fixed" }], { transaction: t }));`);
    expect(await rows()).toEqual([{ id: 1, label: "fixed" }]);
    expect(await applied()).toEqual([CREATE_T, fixed]);
  });
});
