/**
 * authdb's level-3 built-in migration, 20261123000002-authdb-exact-text.js: on MariaDB every text column of
 * the Auth.js tables compares byte-exactly (keys included), as on PostgreSQL and SQLite, where the migration
 * changes nothing. Everything is read from outside, through the server's own catalog.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Sequelize } from "sequelize";
import { SequelizeAdapter } from "../../src/adapter";
import { planBaseline } from "../../src/baseline/planBaseline";
import { createSequelize } from "../../src/database";
import { diffSchema, expectedSchema, introspectDatabase } from "../../src/introspect";
import { renderMigrationSet, schemaAtLevel } from "../../src/migrations/migrationSet";
import { planSchemaChanges } from "../../src/migrations/planSchemaChanges";
import { renderChangeMigration } from "../../src/migrations/renderChangeMigration";
import { writeSnapshot } from "../../src/migrations/snapshot";
import { applyMigrations, migrate, renderedMigrationSet, revertMigrations } from "../../src/migrator";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, mysqlQuery, pgQuery, sqlQuery, type TestDatabase } from "../helpers/databases";

const EXPIRY = "20261123000001-authdb-expiry-indexes.js";
const EXACT = "20261123000002-authdb-exact-text.js";
const AUTH_TABLES = ["users", "accounts", "sessions", "verification_tokens", "authenticators"];
const CONFIG = { extend: { User: { phoneNumber: "STRING" as const, bio: "TEXT" as const } } };

interface ColumnRow {
  table_name: string;
  column_name: string;
  collation: string;
}

const textColumns = (url: string) =>
  mysqlQuery<ColumnRow>(
    url,
    "SELECT table_name, column_name, collation_name AS collation FROM information_schema.columns WHERE table_schema = DATABASE() AND collation_name IS NOT NULL AND table_name IN (?, ?, ?, ?, ?) ORDER BY table_name, ordinal_position",
    AUTH_TABLES,
  );
const tableCollations = (url: string) =>
  mysqlQuery<{ table_name: string; collation: string }>(url, "SELECT table_name, table_collation AS collation FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN (?, ?, ?, ?, ?) ORDER BY table_name", AUTH_TABLES);
/** The CHAR(36) ids a foreign key holds or points at: MySQL refuses to re-collate one side alone. */
const KEYED = new Set(["users.id", "accounts.user_id", "sessions.user_id", "authenticators.user_id"]);

describe("MariaDB: exact text", () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  beforeAll(async () => {
    db = await createMariaDatabase("exact_text");
    sequelize = createSequelize(db.url);
    await migrate(sequelize, CONFIG);
  });
  afterAll(async () => {
    await sequelize?.close();
    await db?.drop();
  });

  test("every text column, custom ones included, and every table's default take utf8mb4_nopad_bin; keyed ids keep theirs", async () => {
    const columns = await textColumns(db.url);
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(expect.arrayContaining(["users.email", "users.phone_number", "users.bio", "sessions.session_token", "verification_tokens.token"]));
    for (const column of columns) {
      const where = `${column.table_name}.${column.column_name}`;
      expect({ where, collation: column.collation }).toEqual({ where, collation: KEYED.has(where) ? "utf8mb4_bin" : "utf8mb4_nopad_bin" });
    }
    expect(await tableCollations(db.url)).toEqual(AUTH_TABLES.map((table_name) => ({ table_name, collation: "utf8mb4_nopad_bin" })).sort((a, b) => a.table_name.localeCompare(b.table_name)));
  });

  test("unique keys tell case and trailing spaces apart: each variant is a row of its own", async () => {
    const emails = ["Ada@example.com", "ada@example.com", "ada@example.com ", "ada@example.com  "];
    for (const email of emails) await mysqlQuery(db.url, "INSERT INTO users (id, email) VALUES (?, ?)", [randomUUID(), email]);
    const rows = await mysqlQuery<{ email: string }>(db.url, "SELECT email FROM users WHERE email IN (?, ?, ?, ?) ORDER BY email", emails);
    expect(rows.map((r) => r.email).sort()).toEqual([...emails].sort());
    // The key itself still refuses the byte-identical value.
    await expect(mysqlQuery(db.url, "INSERT INTO users (id, email) VALUES (?, ?)", [randomUUID(), "ada@example.com"])).rejects.toThrow(/Duplicate entry/);
  });

  test("through the adapter: users whose emails differ only in case are two users, each found exactly; an emoji round-trips", async () => {
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const upper = await adapter.createUser({ id: randomUUID(), email: "Grace@Example.com", name: "Grace 🚀", emailVerified: null, phoneNumber: null, bio: "🧪 bio" });
    const lower = await adapter.createUser({ id: randomUUID(), email: "grace@example.com", name: "grace", emailVerified: null, phoneNumber: null, bio: null });
    expect((await adapter.getUserByEmail("Grace@Example.com"))?.id).toBe(upper.id);
    expect((await adapter.getUserByEmail("grace@example.com"))?.id).toBe(lower.id);
    expect((await adapter.getUser(upper.id))?.name).toBe("Grace 🚀");
    const token = "AbC-session-token";
    await adapter.createSession({ sessionToken: token, userId: upper.id, expires: new Date(Date.now() + 60_000) });
    await adapter.createSession({ sessionToken: token.toLowerCase(), userId: lower.id, expires: new Date(Date.now() + 60_000) });
    expect((await adapter.getSessionAndUser(token))?.user.id).toBe(upper.id);
    expect((await adapter.getSessionAndUser(token.toLowerCase()))?.user.id).toBe(lower.id);
  });

  test("running it again changes nothing: no ALTER TABLE is sent", async () => {
    const exact = renderedMigrationSet(CONFIG).find((m) => m.name === EXACT)!;
    const sent: string[] = [];
    const logged = createSequelize(db.url, { logging: (sql: string) => sent.push(sql) });
    try {
      // The module's own up(), as a rerun after a partial failure would call it.
      await exact.load().up(logged.getQueryInterface(), undefined as never);
    } finally {
      await logged.close();
    }
    expect(sent.some((sql) => /information_schema/i.test(sql))).toBe(true);
    expect(sent.filter((sql) => /ALTER TABLE/i.test(sql))).toEqual([]);
  });

  test("check reports a column at a case-insensitive collation as drift, naming it", async () => {
    await mysqlQuery(db.url, "ALTER TABLE users MODIFY phone_number varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL");
    try {
      const live = await introspectDatabase(sequelize, AUTH_TABLES);
      const differences = diffSchema(expectedSchema(schemaAtLevel(CONFIG, 3), "mariadb"), live);
      expect(differences).toEqual([expect.objectContaining({ kind: "collation", table: "users", column: "phone_number", actual: "utf8mb4_general_ci" })]);
      expect(diffSchema(expectedSchema(schemaAtLevel(CONFIG, 2), "mariadb"), live)).toEqual([]);
    } finally {
      await mysqlQuery(db.url, "ALTER TABLE users MODIFY phone_number varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL");
    }
  });

  test("what a column's definition holds besides its type survives the MODIFY: a default with quotes, a comment, a column CHECK, INVISIBLE", async () => {
    await mysqlQuery(db.url, "ALTER TABLE accounts ADD COLUMN note varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL DEFAULT 'it''s \\\\ x' COMMENT 'a ''note''' CHECK (note <> 'bad'), ADD COLUMN hidden varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL INVISIBLE");
    const definition = () =>
      mysqlQuery<Record<string, unknown>>(
        db.url,
        "SELECT column_name, column_type, is_nullable, column_default, column_comment, extra FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'accounts' AND column_name IN ('note', 'hidden') ORDER BY column_name",
      );
    const checks = () => mysqlQuery(db.url, "SELECT constraint_name, level, check_clause FROM information_schema.check_constraints WHERE constraint_schema = DATABASE() AND table_name = 'accounts'");
    const [before, checksBefore] = [await definition(), await checks()];
    expect(checksBefore).toHaveLength(1);
    const exact = renderedMigrationSet(CONFIG).find((m) => m.name === EXACT)!;
    await exact.load().up(sequelize.getQueryInterface(), undefined as never);
    expect(await definition()).toEqual(before);
    expect(await checks()).toEqual(checksBefore);
    expect((await textColumns(db.url)).filter((c) => c.table_name === "accounts" && ["note", "hidden"].includes(c.column_name)).map((c) => c.collation)).toEqual(["utf8mb4_nopad_bin", "utf8mb4_nopad_bin"]);
    await expect(mysqlQuery(db.url, "INSERT INTO accounts (id, user_id, type, provider, provider_account_id, note) VALUES (UUID(), (SELECT id FROM users LIMIT 1), 'oauth', 'x', 'y', 'bad')")).rejects.toThrow(/CONSTRAINT/i);
    await mysqlQuery(db.url, "ALTER TABLE accounts DROP COLUMN note, DROP COLUMN hidden");
  });

  test("down refuses while rows differ only in case or trailing spaces, names the key, and changes nothing", async () => {
    const before = await textColumns(db.url);
    const failed = revertMigrations({ sequelize, migrations: renderedMigrationSet(CONFIG), to: EXACT });
    // Tables are checked newest first: sessions (two tokens differing in case) before users (emails).
    await expect(failed).rejects.toThrow(/2 rows of sessions would share the unique key sessions_session_token_unique \(session_token\) under utf8mb4_general_ci[^]*nothing was changed/);
    expect(await textColumns(db.url)).toEqual(before);
    expect(await tableCollations(db.url)).toEqual(AUTH_TABLES.map((table_name) => ({ table_name, collation: "utf8mb4_nopad_bin" })).sort((a, b) => a.table_name.localeCompare(b.table_name)));
  });

  test("down's check: NULLs never clash in a unique key, and a prefix key is compared on its prefix", async () => {
    const migrations = renderedMigrationSet(CONFIG);
    await mysqlQuery(db.url, "DELETE FROM sessions");
    // Emails that no longer clash, and two users without one: users_email_unique (checked before
    // users_phone_prefix) must not report the NULLs.
    await mysqlQuery(db.url, "UPDATE users SET email = CONCAT(LEFT(id, 8), '@example.org') WHERE email IS NOT NULL");
    await mysqlQuery(db.url, "INSERT INTO users (id, email) VALUES (UUID(), NULL), (UUID(), NULL)");
    // A key on the first 3 characters of phone_number: 'abcX' and 'ABCy' clash there once case is ignored.
    await mysqlQuery(db.url, "ALTER TABLE users ADD UNIQUE KEY users_phone_prefix (phone_number(3))");
    try {
      const [first, second] = await mysqlQuery<{ id: string }>(db.url, "SELECT id FROM users WHERE email IS NOT NULL ORDER BY id LIMIT 2");
      await mysqlQuery(db.url, "UPDATE users SET phone_number = 'abcX' WHERE id = ?", [first!.id]);
      await mysqlQuery(db.url, "UPDATE users SET phone_number = 'ABCy' WHERE id = ?", [second!.id]);
      await expect(revertMigrations({ sequelize, migrations, to: EXACT })).rejects.toThrow(/^[^]*2 rows of users would share the unique key users_phone_prefix \(phone_number\)/);
    } finally {
      await mysqlQuery(db.url, "ALTER TABLE users DROP KEY users_phone_prefix");
      await mysqlQuery(db.url, "UPDATE users SET phone_number = NULL");
    }
  });

  test("without such rows, down gives the database's default collation back, and migrate makes it exact again", async () => {
    await mysqlQuery(db.url, "DELETE FROM users");
    await revertMigrations({ sequelize, migrations: renderedMigrationSet(CONFIG), to: EXACT });
    const [{ collation: databaseDefault }] = await mysqlQuery<{ collation: string }>(db.url, "SELECT default_collation_name AS collation FROM information_schema.schemata WHERE schema_name = DATABASE()");
    for (const column of await textColumns(db.url)) {
      const where = `${column.table_name}.${column.column_name}`;
      if (!KEYED.has(where)) expect({ where, collation: column.collation }).toEqual({ where, collation: databaseDefault });
    }
    const result = await migrate(sequelize, CONFIG);
    expect(result.migrations.map((m) => m.name)).toEqual([EXACT]);
    expect((await textColumns(db.url)).filter((c) => !KEYED.has(`${c.table_name}.${c.column_name}`)).every((c) => c.collation === "utf8mb4_nopad_bin")).toBe(true);
  });

  test("baseline leaves it pending on tables that are not exact yet, and records it on tables that are", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "authdb-exact-baseline-"));
    // A database with the tables and no history, as baseline adopts.
    await mysqlQuery(db.url, "DELETE FROM SequelizeMeta");
    await mysqlQuery(db.url, "DELETE FROM authdb_migrations");
    try {
      const exact = await planBaseline(sequelize, { migrationsDir: dir, config: CONFIG });
      expect({ record: exact.record.map((r) => r.name), pending: exact.pending }).toEqual({ record: [expect.stringMatching(/initial/), EXPIRY, EXACT], pending: [] });
      await mysqlQuery(db.url, "ALTER TABLE sessions MODIFY session_token varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL");
      const padded = await planBaseline(sequelize, { migrationsDir: dir, config: CONFIG });
      expect({ record: padded.record.map((r) => r.name), pending: padded.pending }).toEqual({ record: [expect.stringMatching(/initial/), EXPIRY], pending: [EXACT] });
      // Every column exact, but the table's default not: a column added later would not be.
      await mysqlQuery(db.url, "ALTER TABLE sessions MODIFY session_token varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL");
      await mysqlQuery(db.url, "ALTER TABLE users DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
      const tableDefault = await planBaseline(sequelize, { migrationsDir: dir, config: CONFIG });
      expect(tableDefault.pending).toEqual([EXACT]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await mysqlQuery(db.url, "ALTER TABLE sessions MODIFY session_token varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL");
      await mysqlQuery(db.url, "ALTER TABLE users DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
    }
  });

  test("baseline of a folder that got exact text from `generate` (an upgraded project) writes no second copy of it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "authdb-exact-upgraded-"));
    try {
      const [initial, expiry] = renderMigrationSet(CONFIG);
      writeFileSync(path.join(dir, initial!.name), initial!.source);
      writeFileSync(path.join(dir, expiry!.name), expiry!.source);
      const upgrade = planSchemaChanges(schemaAtLevel(CONFIG, 2), schemaAtLevel(CONFIG, 3)).changes;
      expect(upgrade.map((c) => c.kind)).toEqual(["exact-text", "exact-text", "exact-text", "exact-text", "exact-text"]);
      writeFileSync(path.join(dir, "20261201000000-authdb-upgrade.js"), renderChangeMigration(upgrade, { description: "upgrade", command: "generate" }));
      writeSnapshot(dir, schemaAtLevel(CONFIG, 3));
      const plan = await planBaseline(sequelize, { migrationsDir: dir, config: CONFIG });
      expect(plan.write.map((w) => path.basename(w.file))).not.toContain(EXACT);
      expect({ record: plan.record.map((r) => r.name), pending: plan.pending }).toEqual({ record: [initial!.name, EXPIRY], pending: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("MariaDB: exact text on a latin1 database at level 2", () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  beforeAll(async () => {
    db = await createMariaDatabase("exact_latin1", { charset: "latin1" });
    sequelize = createSequelize(db.url);
    // What an earlier authdb left: levels 1 and 2, latin1 tables with a row in them.
    await applyMigrations({ sequelize, migrations: renderedMigrationSet(CONFIG), to: EXPIRY });
  });
  afterAll(async () => {
    await sequelize?.close();
    await db?.drop();
  });

  test("migrate applies only the new step; the tables become utf8mb4, rows kept, and a 4-byte character then round-trips", async () => {
    const id = randomUUID();
    await mysqlQuery(db.url, "INSERT INTO users (id, email, name) VALUES (?, ?, ?)", [id, "josé@example.com", "José"]);
    expect((await textColumns(db.url)).find((c) => c.column_name === "email")!.collation).toBe("latin1_swedish_ci");

    const result = await migrate(sequelize, CONFIG);
    expect(result.migrations.map((m) => m.name)).toEqual([EXACT]);
    expect((await textColumns(db.url)).find((c) => c.table_name === "users" && c.column_name === "email")!.collation).toBe("utf8mb4_nopad_bin");
    expect(await mysqlQuery(db.url, "SELECT email, name FROM users WHERE id = ?", [id])).toEqual([{ email: "josé@example.com", name: "José" }]);

    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const user = await adapter.createUser({ id: randomUUID(), email: "rocket@example.com", name: "🚀 Ada", emailVerified: null, phoneNumber: "☎️ 1", bio: null });
    expect(await adapter.getUser(user.id)).toMatchObject({ name: "🚀 Ada", phoneNumber: "☎️ 1" });
  });

  test("down keeps utf8mb4 (the database's latin1 would lose that character): the server's default utf8mb4 collation", async () => {
    await revertMigrations({ sequelize, migrations: renderedMigrationSet(CONFIG), to: EXACT });
    const email = (await textColumns(db.url)).find((c) => c.table_name === "users" && c.column_name === "name")!;
    expect(email.collation).toBe("utf8mb4_general_ci");
    expect(await mysqlQuery(db.url, "SELECT name FROM users WHERE email = ?", ["rocket@example.com"])).toEqual([{ name: "🚀 Ada" }]);
  });
});

describe.each([
  ["PostgreSQL", () => createPostgresDatabase("exact_text")],
  ["SQLite", async () => createSqliteDatabase("exact_text")],
])("%s: exact text", (_name, create) => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  beforeAll(async () => {
    db = await create();
    sequelize = createSequelize(db.url);
    await applyMigrations({ sequelize, migrations: renderedMigrationSet(CONFIG), to: EXPIRY });
  });
  afterAll(async () => {
    await sequelize?.close();
    await db?.drop();
  });

  const catalog = () =>
    db.url.startsWith("sqlite")
      ? sqlQuery(db.url, "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'authdb%' AND name <> 'SequelizeMeta' ORDER BY name")
      : pgQuery(db.url, "SELECT table_name, column_name, data_type, collation_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ANY($1) ORDER BY table_name, ordinal_position", [AUTH_TABLES]);

  test("is recorded and changes nothing: the catalog is the same before and after, and down too", async () => {
    const before = await catalog();
    expect(before.length).toBeGreaterThan(5);
    const result = await migrate(sequelize, CONFIG);
    expect(result.migrations.map((m) => m.name)).toEqual([EXACT]);
    expect(await catalog()).toEqual(before);
    await revertMigrations({ sequelize, migrations: renderedMigrationSet(CONFIG), to: EXACT });
    expect(await catalog()).toEqual(before);
  });
});
