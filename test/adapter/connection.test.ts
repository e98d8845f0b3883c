/** The connection shorthand: a URL or { url, ...options } builds the adapter's own pool, which close() ends. */
import { randomUUID } from "node:crypto";
import { Sequelize } from "sequelize";
import { createSequelize } from "../../src/database";
import { InvalidInputError } from "../../src/errors";
import { migrate } from "../../src/migrator/migrate";
import { SequelizeAdapter } from "../../src/adapter";
import { createPostgresDatabase, createSqliteDatabase, type TestDatabase } from "../helpers/databases";

const targets: Array<[string, () => Promise<TestDatabase> | TestDatabase]> = [
  ["PostgreSQL", () => createPostgresDatabase("adapter_connection")],
  ["SQLite file", () => createSqliteDatabase("adapter-connection")],
];

const poolOf = (sequelize: Sequelize) => (sequelize as unknown as { options: { pool: { max: number } } }).options.pool;

describe.each(targets)("connection shorthand (%s)", (_label, create) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await create();
    const setup = createSequelize(database.url);
    await migrate(setup, {});
    await setup.close();
  });

  afterAll(async () => {
    await database.drop();
  });

  test("a URL: the adapter's own instance, logging off, a pool of 10; close() ends it", async () => {
    const adapter = SequelizeAdapter(database.url);
    expect(adapter.sequelize).toBeInstanceOf(Sequelize);
    expect((adapter.sequelize as unknown as { options: { logging: unknown } }).options.logging).toBe(false);
    if (adapter.sequelize.getDialect() === "postgres") expect(poolOf(adapter.sequelize).max).toBe(10);
    const user = await adapter.createUser({ id: randomUUID(), email: "url@example.com", emailVerified: null });
    expect(await adapter.getUser(user.id)).toEqual(user);
    await adapter.close();
    await expect(adapter.sequelize.query("SELECT 1")).rejects.toThrow();
  });

  test("{ url, ...options }: the options reach Sequelize", async () => {
    const adapter = SequelizeAdapter({ url: database.url, pool: { max: 3 } });
    expect(poolOf(adapter.sequelize).max).toBe(3);
    expect(await adapter.getUserByEmail("url@example.com")).toMatchObject({ email: "url@example.com" });
    await adapter.close();
  });

  test("an instance you pass stays yours: close() does not close it", async () => {
    const sequelize = createSequelize(database.url);
    const adapter = SequelizeAdapter(sequelize);
    expect(adapter.sequelize).toBe(sequelize);
    await adapter.close();
    expect(await adapter.getUserByEmail("url@example.com")).toMatchObject({ email: "url@example.com" });
    await sequelize.close();
  });
});

test("anything else is rejected with a hint", () => {
  expect(() => SequelizeAdapter(42 as never)).toThrow(InvalidInputError);
  expect(() => SequelizeAdapter("ftp://example.com/db")).toThrow(InvalidInputError);
});
