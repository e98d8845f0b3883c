/**
 * A MariaDB database created `CHARACTER SET latin1` (older servers made them so, and an adopted database
 * may be one): the adapter's exact comparisons still find keys with accented characters, and still tell
 * case apart. Characters latin1 cannot hold are refused with the way out. Migrated up to level 2 only:
 * level 3 (exact text) converts the tables to utf8mb4, which test/db/exact-text.test.ts covers.
 */
import { randomUUID } from "node:crypto";
import type { Sequelize } from "sequelize";
import { createSequelize } from "../../src/database";
import { applyMigrations, renderedMigrationSet } from "../../src/migrator";
import { SequelizeAdapter, type AuthdbAdapter } from "../../src/adapter";
import { createMariaDatabase, mysqlQuery, type TestDatabase } from "../helpers/databases";

describe("MariaDB: a latin1 database", () => {
  let database: TestDatabase;
  let sequelize: Sequelize;
  let adapter: AuthdbAdapter;
  beforeAll(async () => {
    database = await createMariaDatabase("latin1", { charset: "latin1" });
    sequelize = createSequelize(database.url);
    await applyMigrations({ sequelize, migrations: renderedMigrationSet({}), to: "20261123000001-authdb-expiry-indexes.js" });
    adapter = SequelizeAdapter(sequelize, {});
  });
  afterAll(async () => {
    await sequelize?.close();
    await database?.drop();
  });

  test("the tables really are latin1", async () => {
    const [row] = await mysqlQuery<{ charset: string }>(database.url, "SELECT character_set_name AS charset FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'users' AND column_name = 'email'");
    expect(row!.charset).toBe("latin1");
  });

  test("keys with accented characters are found, exactly: a user, a session, an account", async () => {
    const email = `josé.${randomUUID()}@example.com`;
    const user = await adapter.createUser({ id: randomUUID(), email, name: "José Ñandú", emailVerified: null });
    expect((await adapter.getUserByEmail(email))?.id).toBe(user.id);
    expect(await adapter.getUserByEmail(email.toUpperCase())).toBeNull();
    expect(await adapter.getUserByEmail(email.replace("é", "e"))).toBeNull();

    const sessionToken = `tökén-${randomUUID()}`;
    await adapter.createSession({ sessionToken, userId: user.id, expires: new Date(Date.now() + 60_000) });
    expect((await adapter.getSessionAndUser(sessionToken))?.user.name).toBe("José Ñandú");
    expect(await adapter.getSessionAndUser(sessionToken.toUpperCase())).toBeNull();

    const providerAccountId = `ïd-${randomUUID()}`;
    await adapter.linkAccount({ userId: user.id, type: "oauth", provider: "gïthub", providerAccountId });
    expect((await adapter.getUserByAccount({ provider: "gïthub", providerAccountId }))?.id).toBe(user.id);
    expect(await adapter.getUserByAccount({ provider: "GÏTHUB", providerAccountId })).toBeNull();
    expect(await adapter.deleteSession(sessionToken)).not.toBeNull();
  });
});
