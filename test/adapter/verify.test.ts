/** The first-use check: an unmigrated or half-migrated database gives a clear error, and nothing is created. */
import { randomUUID } from "node:crypto";
import { QueryTypes, type Sequelize } from "sequelize";
import { createSequelize } from "../../src/database";
import { migrate } from "../../src/migrator/migrate";
import { SchemaNotMigratedError, SequelizeAdapter } from "../../src/adapter";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, type TestDatabase } from "../helpers/databases";

const CONFIG = { extend: { User: { phoneNumber: "STRING" as const } } };

const targets: Array<[string, () => Promise<TestDatabase> | TestDatabase]> = [
  ["PostgreSQL", () => createPostgresDatabase("adapter_verify")],
  ["SQLite file", () => createSqliteDatabase("adapter-verify")],
  ["MariaDB", () => createMariaDatabase("adapter_verify")],
];

/** The user tables in the database (the migrator's own bookkeeping tables aside). */
async function tableNames(sequelize: Sequelize): Promise<string[]> {
  const sql =
    sequelize.getDialect() === "postgres"
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
      : sequelize.getDialect() === "mysql"
        ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()"
        : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  const rows = await sequelize.query<{ name: string }>(sql, { type: QueryTypes.SELECT, raw: true });
  return rows.map((r) => r.name).sort();
}

/** Counts the statements `action` sends through `sequelize`. */
async function countStatements(sequelize: Sequelize, action: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const options = (sequelize as unknown as { options: { logging: unknown } }).options;
  options.logging = (sql: string) => statements.push(sql);
  try {
    await action();
  } finally {
    options.logging = false;
  }
  return statements;
}

describe.each(targets)("first-use schema check (%s)", (_label, create) => {
  let database: TestDatabase;
  let sequelize: Sequelize;

  beforeEach(async () => {
    database = await create();
    sequelize = createSequelize(database.url);
  });

  afterEach(async () => {
    await sequelize.close();
    await database.drop();
  });

  test("an empty database: a clear error naming the tables and `authdb migrate`; no table is created", async () => {
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const error = await adapter.getUser(randomUUID()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaNotMigratedError);
    const message = (error as Error).message;
    for (const table of ["users", "accounts", "sessions", "verification_tokens", "authenticators"]) expect(message).toContain(`table "${table}"`);
    expect(message).toContain("authdb migrate");
    // Every method goes through the check; none of them creates anything.
    await expect(adapter.createUser({ id: randomUUID(), email: "a@example.com", emailVerified: null })).rejects.toBeInstanceOf(SchemaNotMigratedError);
    await expect(adapter.useVerificationToken({ identifier: "a", token: "b" })).rejects.toBeInstanceOf(SchemaNotMigratedError);
    expect(await tableNames(sequelize)).toEqual([]);
  });

  test("a failed check is not cached: after migrating, the same adapter works", async () => {
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    await expect(adapter.getUserByEmail("x@example.com")).rejects.toBeInstanceOf(SchemaNotMigratedError);
    await migrate(sequelize, CONFIG);
    expect(await adapter.getUserByEmail("x@example.com")).toBeNull();
  });

  test("a missing column is named: the config's custom column was never migrated", async () => {
    await migrate(sequelize, {});
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const error = await adapter.getUser(randomUUID()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaNotMigratedError);
    expect((error as Error).message).toContain(`table "users" has no column "phone_number" (User.phoneNumber)`);
    expect((error as SchemaNotMigratedError).missing).toHaveLength(1);
  });

  test("a missing table is named: a half-migrated database", async () => {
    await migrate(sequelize, CONFIG);
    await sequelize.query(`DROP TABLE authenticators`);
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const error = await adapter.getUser(randomUUID()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaNotMigratedError);
    expect((error as SchemaNotMigratedError).missing).toEqual([`table "authenticators" (Authenticator) is missing`]);
    expect(await tableNames(sequelize)).not.toContain("authenticators");
  });

  test("verify: false skips the check: the database's own error surfaces instead", async () => {
    const adapter = SequelizeAdapter(sequelize, { ...CONFIG, verify: false });
    const error = await adapter.getUserByEmail("x@example.com").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(SchemaNotMigratedError);
    expect(await tableNames(sequelize)).toEqual([]);
  });

  test("the check runs once per Sequelize instance and schema; verify: false issues only the method's statement", async () => {
    await migrate(sequelize, CONFIG);
    const first = SequelizeAdapter(sequelize, CONFIG);
    const checked = await countStatements(sequelize, () => first.getUserByEmail("x@example.com"));
    expect(checked.length).toBeGreaterThan(1); // the catalog reads, then the SELECT

    const second = SequelizeAdapter(sequelize, CONFIG);
    expect(await countStatements(sequelize, () => second.getUserByEmail("x@example.com"))).toHaveLength(1);

    const fresh = createSequelize(database.url);
    try {
      const unchecked = SequelizeAdapter(fresh, { ...CONFIG, verify: false });
      const statements = await countStatements(fresh, () => unchecked.getUserByEmail("x@example.com"));
      // PostgreSQL: the SELECT alone; SQLite and MariaDB: the version probe (RETURNING support), then the SELECT.
      expect(statements).toHaveLength(sequelize.getDialect() === "postgres" ? 1 : 2);
      expect(statements.join("\n")).not.toMatch(/information_schema|PRAGMA|pg_/i);
    } finally {
      await fresh.close();
    }
  });
});
