import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { SequelizeAdapter } from "../../src/adapter";
import type { DatabaseSchema } from "../../src/introspect";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, createTempDir, type TestDatabase } from "../helpers/databases";
import { authdbIn, configFor, connect, fillWithSequelizeAdapter, layoutOf, parseJson, rawQuery, tableNames, writeConfig, type Stored, type Variant } from "./support";

// A database built and filled by the real @auth/sequelize-adapter (its sync()), adopted with the built CLI
// (`npm run build` first) as a user would: baseline, migrate, check, then every old row read back through
// authdb's adapter, and the conversion undone with down. On MariaDB, sync() made the tables of MySQL:
// CHAR(36) BINARY ids, DATETIME without milliseconds, INT expires_at, indexes named after their column.

const INITIAL = "20261123000000-authdb-initial.js";
const EXPIRY = "20261123000001-authdb-expiry-indexes.js";
const EXACT = "20261123000002-authdb-exact-text.js";

const dialects: Array<[string, (label: string) => Promise<TestDatabase> | TestDatabase]> = [
  ["postgres", createPostgresDatabase],
  ["sqlite", createSqliteDatabase],
  ["mariadb", createMariaDatabase],
];
const variants: Variant[] = ["default", "custom", "custom-no-timestamps", "docs"];
const cases = dialects.flatMap(([dialect, create]) => variants.map((variant) => [dialect, variant, create] as const));

async function counts(url: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of ["users", "accounts", "sessions", "verification_tokens"]) {
    result[table] = Number((await rawQuery(url, `SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
  }
  return result;
}

describe.each(cases)("baseline of a %s database made by @auth/sequelize-adapter (%s models)", (dialect, variant, create) => {
  let database: TestDatabase;
  let project: { dir: string; cleanup(): void };
  let stored: Stored;
  let before: DatabaseSchema;
  let authdb: ReturnType<typeof authdbIn>;
  const migrations = () => path.join(project.dir, "migrations");
  const mariadb = dialect === "mariadb";
  // MySQL/MariaDB commit DDL at once, so down cannot be tried and rolled back: it asks for the flag.
  const down = mariadb ? ["down", "--accept-data-loss"] : ["down"];

  beforeAll(async () => {
    database = await create(`adopt_${variant}`);
    stored = await fillWithSequelizeAdapter(database.url, variant);
    before = await layoutOf(database.url);
    project = createTempDir(`baseline-${dialect}-${variant}`);
    writeConfig(project.dir, configFor(variant));
    authdb = authdbIn(project.dir);
  });

  afterAll(async () => {
    await database?.drop();
    project?.cleanup();
  });

  it("--dry-run shows what it would record and what the follow-up changes, and writes nothing", async () => {
    const result = await authdb(["baseline", "--dry-run", "--json", "--url", database.url]);
    expect(result.code).toBe(0);
    const report = parseJson(result);
    expect(JSON.parse(result.stdout)).toMatchObject({ command: "baseline", ok: true, error: null });
    expect(report).toMatchObject({ dryRun: true, layout: "sequelize-adapter", recorded: [INITIAL], pending: [EXPIRY, EXACT] });
    expect(report.adoption.changes).toEqual(
      expect.arrayContaining([
        "accounts.access_token: varchar(255) → text",
        `accounts.expires_at: ${mariadb ? "int" : "integer"} → bigint`,
        "accounts: add unique key accounts_provider_provider_account_id_unique (provider, provider_account_id)",
        // MySQL indexed user_id for its foreign key already, under the column's name: renamed below.
        ...(mariadb ? [] : ["accounts: add index accounts_user_id (user_id)"]),
        "verification_tokens: primary key (token) → (identifier, token)",
        "create table authenticators, as the initial migration does",
      ]),
    );
    if (variant === "custom" || variant === "docs") {
      expect(report.adoption.changes).toContain("users.created_at: database default CURRENT_TIMESTAMP (authdb's adapter leaves the column out of its INSERTs)");
    }
    if (variant === "docs") expect(report.adoption.changes).toContain("users: rename column phoneNumber → phone_number");
    if (mariadb) {
      expect(report.adoption.changes).toEqual(
        expect.arrayContaining([
          "sessions.expires: datetime → datetime(3)",
          "users: rename unique key email → users_email_unique",
          "accounts: rename index user_id → accounts_user_id",
          "sessions: rename unique key sessionToken → sessions_session_token_unique",
        ]),
      );
    }
    expect(result.stderr).toContain("Dry run: nothing written, nothing recorded");
    expect(existsSync(migrations())).toBe(false);
    expect(await tableNames(database.url)).not.toContain("SequelizeMeta");
  });

  it("records the initial migration as applied and writes the folder, the follow-up and the snapshot", async () => {
    const result = await authdb(["baseline", "--url", database.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Baseline recorded 1 migration as applied and wrote 5 files in \d+ ms/);
    expect(result.stdout).toContain("Next: commit migrations, then run `npx authdb migrate`");
    const files = readdirSync(migrations()).sort();
    expect(files).toEqual([INITIAL, EXPIRY, EXACT, expect.stringMatching(/^\d{14}-authdb-adopt-existing-tables\.js$/), "authdb.snapshot.json"]);
    const status = parseJson(await authdb(["status", "--json", "--url", database.url]));
    expect(status.applied.map((m: { name: string; state: string }) => [m.name, m.state])).toEqual([[INITIAL, "ok"]]);
    expect(status.pending).toEqual([EXPIRY, EXACT, files[3]]);
    // Nothing ran yet: the tables are as sync() left them.
    expect(await layoutOf(database.url)).toEqual(before);
  });

  it("refuses a second baseline: the database has history now (exit 2)", async () => {
    const result = await authdb(["baseline", "--url", database.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`already has migration history`);
    expect(result.stderr).toContain(INITIAL);
    expect(result.stderr).toContain("Hint:");
  });

  it("migrate converts the tables, keeping every row, and check then passes", async () => {
    const rows = await counts(database.url);
    const migrate = await authdb(["migrate", "--url", database.url]);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain("Applied 3 migrations");
    expect(await counts(database.url)).toEqual(rows);
    const check = await authdb(["check", "--url", database.url]);
    expect(check.stdout).toContain("the database matches the schema");
    expect(check.code).toBe(0);
  });

  it("every old row reads back through authdb's adapter; new sign-ins work", async () => {
    const sequelize = connect(database.url);
    try {
      const adapter = SequelizeAdapter(sequelize, configFor(variant));
      const [alice, bob] = stored.users;
      const readAlice = await adapter.getUser(alice!.id);
      expect(readAlice).toMatchObject({ id: alice!.id, name: "Alice", email: "alice@example.com", image: alice!.image });
      // sync()'s DATETIME on MySQL kept whole seconds: the milliseconds were gone before the adoption.
      expect(readAlice!.emailVerified?.toISOString()).toBe(mariadb ? alice!.emailVerified!.replace(/\.\d{3}Z$/, ".000Z") : alice!.emailVerified);
      if (variant !== "default") expect(readAlice).toMatchObject({ phoneNumber: "+41 79 000 00 01" });
      expect(await adapter.getUserByEmail("bob@example.com")).toMatchObject({ id: bob!.id, name: "Bob", emailVerified: null });
      expect(await adapter.getUserByAccount({ provider: "github", providerAccountId: "1001" })).toMatchObject({ id: alice!.id });
      expect(await adapter.getAccount("1001", "github")).toMatchObject({
        userId: alice!.id,
        access_token: stored.github.access_token,
        expires_at: 1_900_000_000,
        scope: "read:user user:email",
      });
      expect(await adapter.getAccount("2002", "google")).toMatchObject({ userId: bob!.id, refresh_token: "1//r", expires_at: 1_800_000_000 });
      for (const session of stored.sessions) {
        const found = await adapter.getSessionAndUser(session.sessionToken);
        expect(found?.user.id).toBe(session.userId);
        expect(found?.session.expires.toISOString()).toBe(session.expires);
      }
      expect(await adapter.useVerificationToken({ identifier: "carol@example.com", token: "token-carol" })).toMatchObject({ identifier: "carol@example.com" });
      // A new user: the adapter leaves timestamp columns out, and the database default fills them.
      const dave = await adapter.createUser({ id: "5b0c3c2e-6a8d-4c57-9a1e-0d7a2f9e1c11", name: "Dave", email: "dave@example.com", emailVerified: null });
      expect(dave.email).toBe("dave@example.com");
      if (variant === "custom" || variant === "docs") {
        const [row] = await rawQuery(database.url, "SELECT created_at, updated_at FROM users WHERE email = 'dave@example.com'");
        expect(row!.created_at).not.toBeNull();
        expect(row!.updated_at).not.toBeNull();
      }
      await adapter.createAuthenticator({
        credentialID: "cred-1",
        userId: alice!.id,
        providerAccountId: "cred-1",
        credentialPublicKey: "pk",
        counter: 1,
        credentialDeviceType: "singleDevice",
        credentialBackedUp: false,
      });
      expect(await adapter.listAuthenticatorsByUserId(alice!.id)).toHaveLength(1);
      await adapter.deleteUser(dave.id);
      await sequelize.query("DELETE FROM authenticators");
    } finally {
      await sequelize.close();
    }
  });

  it("down undoes the follow-up: the layout sync() made is back (plus the expiry indexes), every row kept", async () => {
    const rows = await counts(database.url);
    const reverted = await authdb([...down, "--url", database.url]);
    expect(reverted.code).toBe(0);
    expect(reverted.stdout).toMatch(/reverted \d{14}-authdb-adopt-existing-tables\.js/);
    // The built-in expiry indexes stay: they belong to the migration before, which is still applied. So does
    // the exact text (MySQL/MariaDB) of the one before that: the collations are compared apart.
    const after = await layoutOf(database.url);
    for (const table of ["sessions", "verification_tokens"]) {
      expect(after.tables[table]!.indexes.map((i) => i.name)).toContain(`${table}_expires`);
      after.tables[table]!.indexes = after.tables[table]!.indexes.filter((i) => i.name !== `${table}_expires`);
    }
    const collations = (layout: DatabaseSchema) => Object.values(layout.tables).flatMap((t) => t.columns.flatMap((c) => (c.collation ? [`${t.name}.${c.name}: ${c.collation}`] : [])));
    const withoutCollations = (layout: DatabaseSchema) => JSON.parse(JSON.stringify(layout, (key, value) => (key === "collation" ? undefined : value))) as DatabaseSchema;
    expect(withoutCollations(after)).toEqual(withoutCollations(before));
    if (mariadb) {
      // Every text column exact, but the ids a foreign key holds, which keep sync()'s CHAR(36) BINARY.
      for (const column of collations(after)) expect(column).toMatch(/: utf8mb4_nopad_bin$|\.(id|user_id|userId): utf8mb4_bin$/);
    } else expect(collations(after)).toEqual(collations(before));
    expect(await counts(database.url)).toEqual(rows);
    const migrate = await authdb(["migrate", "--url", database.url]);
    expect(migrate.code).toBe(0);
    expect((await authdb(["check", "--url", database.url])).code).toBe(0);
  });

  it("a 2 KB access token fits the widened column", async () => {
    const sequelize = connect(database.url);
    try {
      const adapter = SequelizeAdapter(sequelize, configFor(variant));
      const token = `eyJ${"x".repeat(2045)}`;
      await adapter.linkAccount({ userId: stored.users[1]!.id, type: "oidc", provider: "azure-ad", providerAccountId: "3003", access_token: token, id_token: token, refresh_token: token });
      const account = await adapter.getAccount("3003", "azure-ad");
      expect(account?.access_token).toHaveLength(2048);
      expect(account?.access_token).toBe(token);
    } finally {
      await sequelize.close();
    }
    if (dialect !== "sqlite") {
      // Now down would have to cut the token to varchar(255): it refuses, naming the rows, and changes nothing
      // (on MariaDB, where each ALTER commits at once, because it looks at every table's rows first).
      const refused = await authdb([...down, "--url", database.url]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/accounts: 1 row hold a value of (refresh_token|access_token) that does not fit varchar\(255\)/);
      expect(refused.stderr).toContain("authdb never deletes rows");
      expect((await authdb(["check", "--url", database.url])).code).toBe(0);
    }
  });
});
