/**
 * An app that uses Sequelize's CLS transactions (`Sequelize.useCLS`) expects every query inside
 * `sequelize.transaction(async () => …)` to join it, the adapter's included: the driver path hands such
 * calls to sequelize.query. Its own file, because useCLS is global to the Sequelize class. CLS is turned
 * on after the adapter exists, as an app may do: the adapter must notice it at call time.
 */
import { randomUUID } from "node:crypto";
import { createNamespace } from "cls-hooked";
import { Sequelize } from "sequelize";
import { migrate } from "../../src/migrator/migrate";
import { SequelizeAdapter } from "../../src/adapter";
import { createPostgresDatabase, createSqliteDatabase, sqlQuery, type TestDatabase } from "../helpers/databases";

const targets: Array<[string, () => Promise<TestDatabase> | TestDatabase]> = [
  ["PostgreSQL", () => createPostgresDatabase("adapter_cls")],
  ["SQLite file", () => createSqliteDatabase("adapter-cls")],
];

describe.each(targets)("adapter calls inside a CLS transaction (%s)", (_label, create) => {
  let database: TestDatabase;
  let sequelize: Sequelize;

  beforeAll(async () => {
    database = await create();
    sequelize = new Sequelize(database.url, { logging: false });
    await migrate(sequelize, {});
  });

  afterAll(async () => {
    await sequelize.close();
    await database.drop();
  });

  test("a rolled-back transaction takes the adapter's writes with it; a committed one keeps them", async () => {
    const adapter = SequelizeAdapter(sequelize);
    if (!(Sequelize as unknown as { _cls?: unknown })._cls) Sequelize.useCLS(createNamespace("authdb-cls-test"));
    const rolledBack = `${randomUUID()}@example.com`;
    await expect(
      sequelize.transaction(async () => {
        const user = await adapter.createUser({ id: randomUUID(), email: rolledBack, emailVerified: null });
        // Inside the transaction the adapter reads its own uncommitted write.
        expect(await adapter.getUserByEmail(rolledBack)).toMatchObject({ id: user.id });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await sqlQuery(database.url, "SELECT id FROM users WHERE email = $1", [rolledBack])).toEqual([]);

    const committed = `${randomUUID()}@example.com`;
    await sequelize.transaction(() => adapter.createUser({ id: randomUUID(), email: committed, emailVerified: null }));
    expect(await sqlQuery(database.url, "SELECT email FROM users WHERE email = $1", [committed])).toEqual([{ email: committed }]);
  });
});
