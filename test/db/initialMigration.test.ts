import path from "node:path";
import { Sequelize } from "sequelize";
import { Database } from "sqlite3";
import { createSequelize } from "../../src/database";
import { applyMigrations, migrate, readMigrationDir, renderedMigrationSet, revertMigrations } from "../../src/migrator";
import { buildSchema } from "../../src/schema";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, mysqlQuery, pgQuery, type TestDatabase } from "../helpers/databases";

/**
 * Runs the checked-in migrations/ (what `authdb init` writes) on a real database, then reads the result
 * from the database's own catalog with a separate client, not through authdb.
 */
const AUTH_TABLES = ["accounts", "authenticators", "sessions", "users", "verification_tokens"];
const REPO_MIGRATIONS = path.join(__dirname, "..", "..", "migrations");

describe("PostgreSQL: the initial migration", () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  beforeAll(async () => {
    db = await createPostgresDatabase("initial");
    sequelize = createSequelize(db.url);
    await applyMigrations({ sequelize, migrations: readMigrationDir(REPO_MIGRATIONS) });
  });
  afterAll(async () => {
    await sequelize.close();
    await db.drop();
  });

  const columns = (table: string) =>
    pgQuery<{ column_name: string; type: string; is_nullable: string }>(
      db.url,
      `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable
         FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [table],
    );

  test("creates the five tables", async () => {
    const rows = await pgQuery<{ tablename: string }>(db.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    expect(rows.map((r) => r.tablename)).toEqual(["SequelizeMeta", ...AUTH_TABLES, "authdb_migrations"].sort());
  });

  test("users: uuid key, nullable profile fields, timestamptz emailVerified", async () => {
    expect(await columns("users")).toEqual([
      { column_name: "id", type: "uuid", is_nullable: "NO" },
      { column_name: "name", type: "character varying(255)", is_nullable: "YES" },
      { column_name: "email", type: "character varying(255)", is_nullable: "YES" },
      { column_name: "email_verified", type: "timestamp with time zone", is_nullable: "YES" },
      { column_name: "image", type: "text", is_nullable: "YES" },
    ]);
  });

  test("accounts: text tokens (never varchar(255)), bigint expires_at, required provider fields", async () => {
    const byName = Object.fromEntries((await columns("accounts")).map((c) => [c.column_name, c]));
    for (const token of ["refresh_token", "access_token", "id_token", "scope", "session_state"]) expect(byName[token].type).toBe("text");
    expect(byName.expires_at.type).toBe("bigint");
    for (const required of ["user_id", "type", "provider", "provider_account_id"]) expect(byName[required].is_nullable).toBe("NO");
  });

  test("accounts: a long Google-size access token fits", async () => {
    const user = "00000000-0000-4000-8000-000000000001";
    await pgQuery(db.url, "INSERT INTO users (id, email) VALUES ($1, 'long@example.com')", [user]);
    await pgQuery(
      db.url,
      "INSERT INTO accounts (id, user_id, type, provider, provider_account_id, access_token) VALUES (gen_random_uuid(), $1, 'oauth', 'google', 'g1', $2)",
      [user, "x".repeat(4096)],
    );
    const [row] = await pgQuery<{ n: number }>(db.url, "SELECT length(access_token) AS n FROM accounts WHERE provider_account_id = 'g1'");
    expect(Number(row.n)).toBe(4096);
  });

  test("unique keys, indexes and primary keys", async () => {
    const indexes = await pgQuery<{ indexname: string; indexdef: string }>(db.url, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
    const defs = Object.fromEntries(indexes.map((i) => [i.indexname, i.indexdef]));
    expect(defs.accounts_provider_provider_account_id_unique).toMatch(/CREATE UNIQUE INDEX .* ON public\.accounts USING btree \(provider, provider_account_id\)/);
    expect(defs.accounts_user_id).toMatch(/CREATE INDEX .* ON public\.accounts USING btree \(user_id\)/);
    expect(defs.sessions_session_token_unique).toMatch(/UNIQUE INDEX .*\(session_token\)/);
    expect(defs.sessions_user_id).toMatch(/INDEX .*\(user_id\)/);
    expect(defs.users_email_unique).toMatch(/UNIQUE INDEX .*\(email\)/);
    expect(defs.authenticators_credential_id_unique).toMatch(/UNIQUE INDEX .*\(credential_id\)/);
    expect(defs.verification_tokens_pkey).toMatch(/UNIQUE INDEX .*\(identifier, token\)/);
    expect(defs.authenticators_pkey).toMatch(/UNIQUE INDEX .*\(user_id, credential_id\)/);
  });

  test("foreign keys to users cascade on delete", async () => {
    const fks = await pgQuery<{ table: string; def: string }>(
      db.url,
      "SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'f' ORDER BY 1",
    );
    expect(fks).toEqual(
      ["accounts", "authenticators", "sessions"].map((table) => ({ table, def: "FOREIGN KEY (user_id) REFERENCES users(id) ON UPDATE CASCADE ON DELETE CASCADE" })),
    );
  });

  test("records the migration as sequelize-cli does, with authdb's checksum beside it", async () => {
    const meta = await pgQuery<{ name: string }>(db.url, `SELECT name FROM "SequelizeMeta"`);
    expect(meta.map((m) => m.name)).toEqual(readMigrationDir(REPO_MIGRATIONS).map((u) => u.name));
    const metaColumns = await columns('"SequelizeMeta"');
    expect(metaColumns.map((c) => c.column_name)).toEqual(["name"]);
    const [sum] = await pgQuery<{ checksum: string }>(db.url, "SELECT checksum FROM authdb_migrations");
    expect(sum.checksum).toBe(readMigrationDir(REPO_MIGRATIONS)[0].checksum);
  });

  test("down reverts to an empty database (no Auth.js table, no meta row)", async () => {
    const result = await revertMigrations({ sequelize, migrations: readMigrationDir(REPO_MIGRATIONS), to: 0 });
    expect(result.migrations.map((m) => m.name)).toEqual(readMigrationDir(REPO_MIGRATIONS).map((u) => u.name).reverse());
    const tables = await pgQuery<{ tablename: string }>(db.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.map((t) => t.tablename).filter((t) => AUTH_TABLES.includes(t))).toEqual([]);
    expect(await pgQuery(db.url, `SELECT name FROM "SequelizeMeta"`)).toEqual([]);
    expect(await pgQuery(db.url, `SELECT name FROM authdb_migrations`)).toEqual([]);
  });
});

function sqliteAll<T>(file: string, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new Database(file);
    db.all(sql, (error, rows) => db.close(() => (error ? reject(error) : resolve(rows as T[]))));
  });
}

describe("SQLite: the initial migration with a custom column", () => {
  let db: TestDatabase;
  let file: string;
  let sequelize: Sequelize;
  const config = { extend: { User: { phoneNumber: { type: "STRING" as const, unique: true } } } };
  beforeAll(async () => {
    db = createSqliteDatabase("initial");
    file = db.url.slice("sqlite:".length);
    sequelize = createSequelize(db.url);
    await migrate(sequelize, config);
  });
  afterAll(async () => {
    await sequelize.close();
    await db.drop();
  });

  test("columns, types and nullability", async () => {
    const users = await sqliteAll<{ name: string; type: string; notnull: number; pk: number }>(file, "PRAGMA table_info(users)");
    expect(users.map((c) => [c.name, c.type, c.notnull, c.pk])).toEqual([
      ["id", "UUID", 1, 1],
      ["name", "VARCHAR(255)", 0, 0],
      ["email", "VARCHAR(255)", 0, 0],
      ["email_verified", "DATETIME", 0, 0],
      ["image", "TEXT", 0, 0],
      ["phone_number", "VARCHAR(255)", 0, 0],
    ]);
    const accounts = await sqliteAll<{ name: string; type: string }>(file, "PRAGMA table_info(accounts)");
    expect(Object.fromEntries(accounts.map((c) => [c.name, c.type]))).toMatchObject({ access_token: "TEXT", refresh_token: "TEXT", id_token: "TEXT", expires_at: "BIGINT" });
  });

  test("unique keys and indexes, custom unique included", async () => {
    const indexes = await sqliteAll<{ name: string; tbl_name: string; sql: string | null }>(file, "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name");
    expect(indexes.map((i) => i.name)).toEqual([
      "accounts_provider_provider_account_id_unique",
      "accounts_user_id",
      "authenticators_credential_id_unique",
      "sessions_expires",
      "sessions_session_token_unique",
      "sessions_user_id",
      "users_email_unique",
      "users_phone_number_unique",
      "verification_tokens_expires",
    ]);
    expect(indexes.find((i) => i.name === "accounts_provider_provider_account_id_unique")?.sql).toMatch(/CREATE UNIQUE INDEX .* \(`provider`, `provider_account_id`\)/);
  });

  test("foreign keys cascade, and SQLite enforces them", async () => {
    for (const table of ["accounts", "sessions", "authenticators"]) {
      const fks = await sqliteAll<{ table: string; from: string; to: string; on_delete: string }>(file, `PRAGMA foreign_key_list(${table})`);
      expect(fks.map((f) => [f.table, f.from, f.to, f.on_delete])).toEqual([["users", "user_id", "id", "CASCADE"]]);
    }
    const user = "00000000-0000-4000-8000-000000000002";
    await sequelize.query("INSERT INTO users (id, email) VALUES ($1, 'a@example.com')", { bind: [user] });
    await sequelize.query("INSERT INTO sessions (id, session_token, user_id, expires) VALUES ('s1', 't1', $1, '2030-01-01 00:00:00.000 +00:00')", { bind: [user] });
    await sequelize.query("DELETE FROM users WHERE id = $1", { bind: [user] });
    expect(await sqliteAll(file, "SELECT * FROM sessions")).toEqual([]);
  });

  test("migrate() again applies nothing; down reverts to empty", async () => {
    expect((await migrate(sequelize, config)).migrations).toEqual([]);
    await revertMigrations({ sequelize, migrations: renderedMigrationSet(config), to: 0 });
    const tables = await sqliteAll<{ name: string }>(file, "SELECT name FROM sqlite_master WHERE type = 'table'");
    expect(tables.map((t) => t.name).filter((t) => AUTH_TABLES.includes(t))).toEqual([]);
    expect(await sqliteAll(file, `SELECT name FROM "SequelizeMeta"`)).toEqual([]);
  });
});

describe("MariaDB: the initial migration", () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  beforeAll(async () => {
    db = await createMariaDatabase("initial");
    sequelize = createSequelize(db.url);
    await applyMigrations({ sequelize, migrations: readMigrationDir(REPO_MIGRATIONS) });
  });
  afterAll(async () => {
    await sequelize.close();
    await db.drop();
  });

  const columns = async (table: string) =>
    Object.fromEntries(
      (
        await mysqlQuery<{ name: string; type: string; nullable: string; charset: string | null }>(
          db.url,
          "SELECT column_name AS name, column_type AS type, is_nullable AS nullable, character_set_name AS charset FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position",
          [table],
        )
      ).map((c) => [c.name, c]),
    );

  test("creates the five tables, InnoDB", async () => {
    const rows = await mysqlQuery<{ name: string; engine: string }>(db.url, "SELECT table_name AS name, engine FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name");
    // authdb_partial_migrations: each migration is recorded there before it runs (DDL commits at once, so a
    // killed run must leave word), and the record goes when it finishes.
    expect(rows.map((r) => r.name).sort()).toEqual(["SequelizeMeta", ...AUTH_TABLES, "authdb_migrations", "authdb_partial_migrations"].sort());
    expect(new Set(rows.map((r) => r.engine))).toEqual(new Set(["InnoDB"]));
    expect(await mysqlQuery(db.url, "SELECT name FROM authdb_partial_migrations")).toEqual([]);
  });

  test("text tokens (never varchar(255)), bigint expires_at, DATETIME(3) dates, CHAR(36) ids, utf8mb4 text", async () => {
    const accounts = await columns("accounts");
    for (const token of ["refresh_token", "access_token", "id_token", "scope", "session_state"]) expect(accounts[token]!.type).toBe("text");
    expect(accounts.expires_at!.type).toMatch(/^bigint/);
    for (const required of ["user_id", "type", "provider", "provider_account_id"]) expect(accounts[required]!.nullable).toBe("NO");
    const users = await columns("users");
    expect(users.id!.type).toBe("char(36)");
    expect(users.email_verified!.type).toBe("datetime(3)");
    expect((await columns("sessions")).expires!.type).toBe("datetime(3)");
    for (const table of AUTH_TABLES) {
      for (const column of Object.values(await columns(table))) if (column.charset) expect({ table, column: column.name, charset: column.charset }).toEqual({ table, column: column.name, charset: "utf8mb4" });
    }
  });

  test("the unique and primary keys Auth.js relies on, and the expiry indexes", async () => {
    const keys = await mysqlQuery<{ table_name: string; index_name: string; non_unique: number; columns: string }>(
      db.url,
      "SELECT table_name, index_name, MIN(non_unique) AS non_unique, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS columns FROM information_schema.statistics WHERE table_schema = DATABASE() GROUP BY table_name, index_name",
    );
    const key = (table: string, columns: string) => keys.find((k) => k.table_name === table && k.columns === columns);
    expect(key("users", "email")).toMatchObject({ non_unique: 0 });
    expect(key("accounts", "provider,provider_account_id")).toMatchObject({ non_unique: 0 });
    expect(key("sessions", "session_token")).toMatchObject({ non_unique: 0 });
    expect(key("verification_tokens", "identifier,token")).toMatchObject({ index_name: "PRIMARY" });
    expect(key("sessions", "expires")).toMatchObject({ non_unique: 1 });
    expect(key("verification_tokens", "expires")).toMatchObject({ non_unique: 1 });
  });

  test("a 4 KB Google-size access token and a 4-byte character fit", async () => {
    const user = "00000000-0000-4000-8000-000000000001";
    await mysqlQuery(db.url, "INSERT INTO users (id, name) VALUES (?, ?)", [user, "Zoë 🚀"]);
    await mysqlQuery(db.url, "INSERT INTO accounts (id, user_id, type, provider, provider_account_id, access_token) VALUES (?, ?, 'oauth', 'google', '1', ?)", [
      "00000000-0000-4000-8000-000000000002",
      user,
      "t".repeat(4096),
    ]);
    const [row] = await mysqlQuery<{ name: string; length: number }>(db.url, "SELECT u.name, LENGTH(a.access_token) AS length FROM users u JOIN accounts a ON a.user_id = u.id");
    expect(row).toEqual({ name: "Zoë 🚀", length: 4096 });
  });

  test("reverting every migration drops the tables and keeps the history tables", async () => {
    await revertMigrations({ sequelize, migrations: readMigrationDir(REPO_MIGRATIONS), to: 0 });
    const rows = await mysqlQuery<{ name: string }>(db.url, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()");
    expect(rows.map((r) => r.name).sort()).toEqual(["SequelizeMeta", "authdb_migrations", "authdb_partial_migrations"]);
  });
});
