import { Sequelize } from "sequelize";
import type { AuthdbConfig } from "../../src/config";
import { connectDatabase, dialectOf } from "../../src/database";
import { diffSchema, expectedSchema, introspectDatabase, type DatabaseSchema, type Difference } from "../../src/introspect";
import { migrate } from "../../src/migrator";
import { buildSchema } from "../../src/schema";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, type TestDatabase } from "../helpers/databases";

// Every column type a config can ask for, so the per-dialect type table in expectedSchema is pinned
// against what the rendered migration really creates.
const EVERY_TYPE: AuthdbConfig = {
  extend: {
    User: {
      phoneNumber: "STRING",
      nickname: { type: "STRING", length: 40, allowNull: false, unique: true },
      bio: "TEXT",
      loginCount: "INTEGER",
      karma: "BIGINT",
      isAdmin: "BOOLEAN",
      lastSeen: "DATE",
      birthday: "DATEONLY",
      externalId: "UUID",
      settings: "JSON",
      score: "FLOAT",
      balance: { type: "DECIMAL", precision: 10, scale: 2 },
      amount: "DECIMAL",
      rounded: { type: "DECIMAL", precision: 8 },
      seenExactly: { type: "DATE", length: 6 },
      seenToTheSecond: { type: "DATE", length: 0 },
    },
  },
};

const dialects: Array<[string, (label: string) => Promise<TestDatabase> | TestDatabase]> = [
  ["postgres", createPostgresDatabase],
  ["sqlite", createSqliteDatabase],
  ["mariadb", createMariaDatabase],
];

/** How each catalog spells the built-in types, as read back (normalized). */
const SPELLING: Record<string, { date: string; uuid: string; boolean: string; integer: string }> = {
  postgres: { date: "timestamptz", uuid: "uuid", boolean: "boolean", integer: "integer" },
  sqlite: { date: "datetime", uuid: "uuid", boolean: "tinyint(1)", integer: "integer" },
  mariadb: { date: "datetime(3)", uuid: "char(36)", boolean: "tinyint(1)", integer: "int" },
};

const kinds = (differences: Difference[]) => differences.map((d) => `${d.kind} ${d.table}${d.column ? `.${d.column}` : ""}`).sort();

describe.each(dialects)("introspection on %s", (dialect, createDatabase) => {
  let database: TestDatabase;
  let sequelize: Sequelize;
  const schema = buildSchema({ extend: EVERY_TYPE.extend });
  const tableNames = Object.values(schema.tables).map((t) => t.table);

  beforeAll(async () => {
    database = await createDatabase("introspect");
    sequelize = await connectDatabase(database.url);
    await migrate(sequelize, EVERY_TYPE);
  });

  afterAll(async () => {
    await sequelize?.close();
    await database?.drop();
  });

  /** A raw statement behind authdb's back, then the drift check. */
  async function driftAfter(sql: string[]): Promise<Difference[]> {
    for (const statement of sql) await sequelize.query(statement);
    return diffSchema(expectedSchema(schema, dialectOf(sequelize)), await introspectDatabase(sequelize, tableNames));
  }

  let actual: DatabaseSchema;

  it("reads back exactly the schema the migration created, custom columns of every type included", async () => {
    actual = await introspectDatabase(sequelize, tableNames);
    expect(Object.keys(actual.tables).sort()).toEqual([...tableNames].sort());
    expect(diffSchema(expectedSchema(schema, dialectOf(sequelize)), actual, { strict: true })).toEqual([]);
  });

  it("leaves out the migrator's bookkeeping tables when listing every table", async () => {
    const all = await introspectDatabase(sequelize);
    expect(Object.keys(all.tables).sort()).toEqual([...tableNames].sort());
  });

  it("sees the concrete Auth.js facts: unique provider account, cascading user foreign keys, token types", () => {
    const accounts = actual.tables.accounts;
    expect(accounts.uniques).toEqual([{ name: "accounts_provider_provider_account_id_unique", columns: ["provider", "provider_account_id"] }]);
    expect(accounts.indexes).toEqual([{ name: "accounts_user_id", columns: ["user_id"] }]);
    expect(accounts.primaryKey).toEqual(["id"]);
    expect(accounts.foreignKeys).toEqual([
      expect.objectContaining({ columns: ["user_id"], table: "users", referencedColumns: ["id"], onDelete: "CASCADE", onUpdate: "CASCADE" }),
    ]);
    const column = (table: string, name: string) => actual.tables[table].columns.find((c) => c.name === name);
    for (const token of ["access_token", "refresh_token", "id_token", "scope", "session_state"]) expect(column("accounts", token)?.type).toBe("text");
    expect(column("accounts", "expires_at")).toEqual(expect.objectContaining({ type: "bigint", nullable: true }));
    expect(column("accounts", "provider")).toEqual(expect.objectContaining({ type: "varchar(255)", nullable: false }));
    expect(column("users", "email_verified")?.type).toBe(SPELLING[dialect].date);
    expect(column("users", "id")?.type).toBe(SPELLING[dialect].uuid);
    expect(column("authenticators", "credential_backed_up")?.type).toBe(SPELLING[dialect].boolean);
    expect(column("users", "nickname")).toEqual(expect.objectContaining({ type: "varchar(40)", nullable: false }));
    expect(actual.tables.users.uniques).toEqual(
      expect.arrayContaining([{ name: "users_email_unique", columns: ["email"] }, { name: "users_nickname_unique", columns: ["nickname"] }]),
    );
    expect(actual.tables.sessions.foreignKeys).toEqual([expect.objectContaining({ columns: ["user_id"], table: "users", onDelete: "CASCADE" })]);
    expect(actual.tables.verification_tokens.primaryKey).toEqual(["identifier", "token"]);
    expect(actual.tables.authenticators.primaryKey).toEqual(["credential_id", "user_id"]);
  });

  it("reports extra tables only when strict", async () => {
    const differences = await driftAfter(["CREATE TABLE app_orders (id INTEGER PRIMARY KEY)"]);
    expect(differences).toEqual([]);
    const strict = diffSchema(expectedSchema(schema, dialectOf(sequelize)), await introspectDatabase(sequelize), { strict: true });
    expect(kinds(strict)).toEqual(["extra-table app_orders"]);
  });

  it("detects an added column and a dropped unique index", async () => {
    // MySQL names the table of an index it drops.
    const onTable = dialect === "mariadb" ? " ON accounts" : "";
    const differences = await driftAfter([
      "ALTER TABLE users ADD COLUMN x INTEGER",
      `DROP INDEX accounts_provider_provider_account_id_unique${onTable}`,
      "CREATE INDEX users_name_idx ON users (name)",
    ]);
    expect(kinds(differences)).toEqual(["extra-column users.x", "extra-index users", "missing-unique accounts"]);
    expect(differences.find((d) => d.kind === "extra-column")?.message).toBe(`users.x: column is not in the schema (${SPELLING[dialect].integer}, nullable)`);
    expect(differences.find((d) => d.kind === "missing-unique")?.message).toBe(
      "accounts: unique key accounts_provider_provider_account_id_unique on (provider, provider_account_id) is missing",
    );
  });

  it("detects a dropped table and a dropped column", async () => {
    const drop = dialect === "postgres" ? "DROP TABLE verification_tokens" : "DROP TABLE verification_tokens";
    const differences = await driftAfter([drop, "ALTER TABLE users DROP COLUMN x", "ALTER TABLE users DROP COLUMN bio"]);
    expect(kinds(differences)).toEqual(["extra-index users", "missing-column users.bio", "missing-table verification_tokens", "missing-unique accounts"]);
  });

  if (dialect === "postgres") {
    it("detects type, nullability and foreign key action changes (PostgreSQL ALTER COLUMN)", async () => {
      const differences = await driftAfter([
        "ALTER TABLE accounts ALTER COLUMN access_token TYPE varchar(255)",
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL",
        "ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey",
        "ALTER TABLE sessions ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL",
        "ALTER TABLE accounts DROP CONSTRAINT accounts_user_id_fkey",
      ]);
      const relevant = differences.filter((d) => ["type", "nullability", "foreign-key-action", "missing-foreign-key"].includes(d.kind));
      expect(relevant.map((d) => d.message).sort()).toEqual([
        "accounts.access_token: type is varchar(255), expected text",
        "accounts.user_id: foreign key (user_id) → users(id) ON DELETE CASCADE is missing",
        "sessions.user_id: foreign key is ON DELETE SET NULL, expected ON DELETE CASCADE",
        "users.email: is NOT NULL, expected nullable",
      ]);
    });
  }

  if (dialect === "mariadb") {
    it("keeps each column's collation in the shape, without comparing it", () => {
      const column = (table: string, name: string) => actual.tables[table].columns.find((c) => c.name === name);
      expect(column("users", "id")?.collation).toBe("utf8mb4_bin");
      expect(column("users", "email")?.collation).toMatch(/^utf8mb4_/);
      expect(column("users", "login_count")?.collation).toBeUndefined();
    });

    it("detects type, nullability, index, unique key and foreign key changes (MySQL ALTER TABLE … MODIFY)", async () => {
      // A foreign key is dropped by name (MySQL names it <table>_ibfk_<n>) and cannot be replaced under
      // the same name in the same statement; an index a foreign key needs cannot be dropped at all.
      const differences = await driftAfter([
        "ALTER TABLE accounts MODIFY access_token varchar(255) NULL",
        "ALTER TABLE users MODIFY email varchar(255) NOT NULL",
        // JSON is longtext with a json_valid CHECK on MariaDB: without the check it takes any text.
        "ALTER TABLE users MODIFY settings longtext NULL",
        "ALTER TABLE users MODIFY login_count bigint NULL",
        "DROP INDEX sessions_expires ON sessions",
        "DROP INDEX users_nickname_unique ON users",
        "ALTER TABLE sessions DROP FOREIGN KEY sessions_ibfk_1",
        "ALTER TABLE sessions ADD CONSTRAINT sessions_ibfk_1 FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE",
        "ALTER TABLE accounts DROP FOREIGN KEY accounts_ibfk_1",
      ]);
      const relevant = differences.filter((d) => ["type", "nullability", "foreign-key-action", "missing-foreign-key", "missing-index"].includes(d.kind) || d.table === "users");
      expect(relevant.map((d) => d.message).sort()).toEqual([
        "accounts.access_token: type is varchar(255), expected text",
        "accounts.user_id: foreign key (user_id) → users(id) ON DELETE CASCADE is missing",
        "sessions.user_id: foreign key is ON DELETE RESTRICT, expected ON DELETE CASCADE",
        "sessions: index sessions_expires on (expires) is missing",
        "users.bio: column is missing (expected text, nullable)", // from the test before
        "users.email: is NOT NULL, expected nullable",
        "users.login_count: type is bigint, expected int",
        "users.settings: type is longtext, expected json",
        "users: index users_name_idx on (name) is not in the schema",
        "users: unique key users_nickname_unique on (nickname) is missing",
      ]);
    });
  }
});
