/**
 * Issue 11: on MariaDB, a text column in a character set narrower than utf8mb4 (latin1 or utf8mb3, as an
 * older or adopted database has them) cannot hold every character. The server refuses a write of one
 * (ER 1366 `Incorrect string value`), which comes back as an InvalidValueError naming the attribute, the
 * table.column and the fix, with nothing of the write stored; and a lookup by one (ER 1267 `Illegal mix of
 * collations`: the adapter's `col = $n` beside the binary comparison), which finds nothing, as no row can hold it.
 */
import { randomUUID } from "node:crypto";
import type { Sequelize } from "sequelize";
import { createSequelize } from "../../src/database";
import { migrate } from "../../src/migrator/migrate";
import { InvalidValueError, SequelizeAdapter, type AuthdbAdapter } from "../../src/adapter";
import { createMariaDatabase, mysqlQuery, type TestDatabase } from "../helpers/databases";

describe("MariaDB: text columns whose character set is not utf8mb4", () => {
  let database: TestDatabase;
  let sequelize: Sequelize;
  let adapter: AuthdbAdapter;

  beforeAll(async () => {
    database = await createMariaDatabase("charset_errors");
    sequelize = createSequelize(database.url);
    await migrate(sequelize, {});
    // The columns of an adopted database: migrate itself would make them utf8mb4.
    await mysqlQuery(database.url, "ALTER TABLE users MODIFY name VARCHAR(255) CHARACTER SET latin1 NULL, MODIFY email VARCHAR(255) CHARACTER SET latin1 NULL");
    await mysqlQuery(database.url, "ALTER TABLE accounts MODIFY provider_account_id VARCHAR(255) CHARACTER SET utf8mb3 NOT NULL");
    await mysqlQuery(database.url, "ALTER TABLE sessions MODIFY session_token VARCHAR(255) CHARACTER SET latin1 NOT NULL");
    await mysqlQuery(database.url, "ALTER TABLE verification_tokens MODIFY identifier VARCHAR(255) CHARACTER SET latin1 NOT NULL, MODIFY token VARCHAR(255) CHARACTER SET latin1 NOT NULL");
    adapter = SequelizeAdapter(sequelize, {});
  });

  afterAll(async () => {
    await sequelize?.close();
    await database?.drop();
  });

  const failure = (call: Promise<unknown>) => call.then(() => new Error("the call succeeded"), (e: unknown) => e as Error);
  const newUser = (values: Record<string, unknown> = {}) =>
    adapter.createUser({ id: randomUUID(), email: `${randomUUID()}@example.com`, name: "José", emailVerified: null, ...values });
  const usersRow = async (id: string) => (await mysqlQuery<{ name: string; email: string }>(database.url, "SELECT name, email FROM users WHERE id = ?", [id]))[0];

  /** The error names the attribute, the column and the way out, and keeps the server's error as `cause`. */
  function expectUnstorable(error: Error, model: string, attribute: string, column: string, code: string) {
    expect(error).toBeInstanceOf(InvalidValueError);
    const refused = error as InvalidValueError;
    expect({ model: refused.model, attribute: refused.attribute }).toEqual({ model, attribute });
    expect(refused.message).toContain(`${model}.${attribute}`);
    expect(refused.message).toContain(`the column ${column}`);
    expect(refused.message).toContain("Convert the column to utf8mb4: `authdb migrate`");
    expect(((refused.cause as { parent?: { code?: string } }).parent ?? {}).code).toBe(code);
  }

  test("the columns really are latin1 and utf8mb3", async () => {
    const rows = await mysqlQuery<{ name: string; charset: string }>(
      database.url,
      "SELECT CONCAT(table_name, '.', column_name) AS name, character_set_name AS charset FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name IN ('users', 'accounts') AND column_name IN ('name', 'email', 'provider_account_id') ORDER BY 1",
    );
    expect(rows).toEqual([
      { name: "accounts.provider_account_id", charset: "utf8mb3" },
      { name: "users.email", charset: "latin1" },
      { name: "users.name", charset: "latin1" },
    ]);
  });

  test("creating a user with an emoji in a latin1 column names User.name and users.name, and stores nothing", async () => {
    const id = randomUUID();
    const error = await failure(newUser({ id, name: "Ada 🚀" }));
    expectUnstorable(error, "User", "name", "users.name", "ER_TRUNCATED_WRONG_VALUE_FOR_FIELD");
    expect(error.message).toContain('"Ada 🚀" cannot be stored in the column users.name');
    expect(await usersRow(id)).toBeUndefined();
  });

  test("an update that cannot be stored leaves the whole row as it was", async () => {
    const user = await newUser({ name: "Zoë" });
    // Ā is outside latin1 (Windows-1252) although it is not an emoji.
    const error = await failure(adapter.updateUser({ id: user.id, email: `new.${randomUUID()}@example.com`, name: "Ādam" }));
    expectUnstorable(error, "User", "name", "users.name", "ER_TRUNCATED_WRONG_VALUE_FOR_FIELD");
    expect(await usersRow(user.id)).toEqual({ name: "Zoë", email: user.email });
  });

  test("a utf8mb3 column holds Ā but not an emoji: the account is not linked", async () => {
    const user = await newUser();
    await adapter.linkAccount({ userId: user.id, type: "oauth", provider: "github", providerAccountId: `Ā-${randomUUID()}` });
    const providerAccountId = `🚀-${randomUUID()}`;
    const error = await failure(adapter.linkAccount({ userId: user.id, type: "oauth", provider: "github", providerAccountId }));
    expectUnstorable(error, "Account", "providerAccountId", "accounts.provider_account_id", "ER_TRUNCATED_WRONG_VALUE_FOR_FIELD");
    expect(await mysqlQuery(database.url, "SELECT 1 FROM accounts WHERE user_id = ?", [user.id])).toHaveLength(1);
  });

  test("a lookup by a key the column's character set lacks finds nothing (no row can hold it), as on utf8mb4", async () => {
    // MySQL refuses the comparison (ERROR 1267 Illegal mix of collations): a hostile cookie or email must not be a 500.
    expect(await adapter.getUserByEmail("🚀@example.com")).toBeNull();
    expect(await adapter.getUserByAccount({ provider: "gïthüb Ā", providerAccountId: "🚀" })).toBeNull();
    expect(await adapter.getSessionAndUser("🚀-token")).toBeNull();
    expect(await adapter.deleteSession("🚀-token")).toBeNull();
    expect(await adapter.useVerificationToken({ identifier: "🚀@example.com", token: "🚀" })).toBeNull();
  });

  test("the ALTER TABLE the error gives makes the column hold the value, keeping what it held", async () => {
    const user = await newUser({ name: "Élodie" });
    const error = await failure(adapter.updateUser({ id: user.id, name: "Élodie 🚀" }));
    const statement = /`(ALTER TABLE [^`]+)`/.exec(error.message)?.[1];
    expect(statement).toBe("ALTER TABLE users MODIFY name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL");
    await mysqlQuery(database.url, statement!);
    expect(await usersRow(user.id)).toEqual({ name: "Élodie", email: user.email });
    expect((await adapter.updateUser({ id: user.id, name: "Élodie 🚀" })).name).toBe("Élodie 🚀");
    expect(await usersRow(user.id)).toEqual({ name: "Élodie 🚀", email: user.email });
  });
});
