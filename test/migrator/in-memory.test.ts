/**
 * Issue 2 point 6 / issue 4: `migrate(sequelize, config)` with no files renders the migrations `init`
 * would write and applies them through the same runner (lock, transaction, checksums), idempotently.
 */
import { QueryTypes, Sequelize } from "sequelize";
import { applyMigrations, migrate, migrationFromSource } from "../../src/migrator";
import { AUTHJS_TABLES, INITIAL } from "./support";
import { renderInitialMigration } from "../../src/migrations/renderMigration";
import { renderMigrationSet } from "../../src/migrations/migrationSet";
import { buildSchema } from "../../src/schema";

const EXPIRY_INDEXES = "20261123000001-authdb-expiry-indexes.js";
const EXACT_TEXT = "20261123000002-authdb-exact-text.js";

describe("programmatic migrate() on sqlite::memory:", () => {
  let sequelize: Sequelize;
  beforeEach(() => {
    // The form docs/getting-started.md shows: the URL form makes Node print DEP0170.
    sequelize = new Sequelize({ dialect: "sqlite", storage: ":memory:", logging: false });
  });
  afterEach(async () => sequelize.close());

  test("creates the Auth.js tables with the custom column, and applies nothing the second time", async () => {
    const config = { extend: { User: { phoneNumber: "STRING" as const } } };
    const events: string[] = [];
    const first = await migrate(sequelize, config, { onEvent: (event) => events.push(event.type) });
    expect(first.migrations.map((m) => m.name)).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
    expect(events).toEqual(["lock-acquired", "migrating", "migrated", "migrating", "migrated", "migrating", "migrated"]);

    const tables = (await sequelize.getQueryInterface().showAllTables()).map(String);
    for (const table of AUTHJS_TABLES) expect(tables).toContain(table);
    const users = await sequelize.getQueryInterface().describeTable("users");
    expect(Object.keys(users).sort()).toEqual(["email", "email_verified", "id", "image", "name", "phone_number"]);
    expect(users.phone_number).toMatchObject({ type: "VARCHAR(255)", allowNull: true });

    const second = await migrate(sequelize, config);
    expect(second.migrations).toEqual([]);
    const meta = await sequelize.query<{ name: string }>(`SELECT name FROM "SequelizeMeta"`, { type: QueryTypes.SELECT });
    expect(meta.map((r) => r.name).sort()).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
    const sums = await sequelize.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM authdb_migrations`, { type: QueryTypes.SELECT });
    expect(sums.map((s) => s.name).sort()).toEqual([INITIAL, EXPIRY_INDEXES, EXACT_TEXT]);
    for (const sum of sums) expect(sum.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a database migrated in memory by an earlier authdb (only the initial migration, under its old doc comment) gets just the new built-in steps", async () => {
    const config = { extend: { User: { phoneNumber: "STRING" as const } } };
    const legacy = migrationFromSource(INITIAL, renderInitialMigration(buildSchema({ ...config, builtinLevel: 1 }), "initial-migration-v1.js"));
    await applyMigrations({ sequelize, migrations: [legacy] });
    const result = await migrate(sequelize, config);
    expect(result.migrations.map((m) => m.name)).toEqual([EXPIRY_INDEXES, EXACT_TEXT]);
    const indexes = await sequelize.query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%expires'`, { type: QueryTypes.SELECT });
    expect(indexes.map((i) => i.name).sort()).toEqual(["sessions_expires", "verification_tokens_expires"]);
    expect((await migrate(sequelize, config)).migrations).toEqual([]);
  });

  test("a database migrated in memory by authdb 0.1 (migrations that named sequelize-cli's Migration type) is up to date, not changed", async () => {
    const config = { extend: { User: { phoneNumber: "STRING" as const } } };
    const asWrittenBefore = renderMigrationSet(config).map(({ name, source }) => {
      expect(source).toContain("@type {import('authdb').Migration}");
      return migrationFromSource(name, source.replace("@type {import('authdb').Migration}", "@type {import('sequelize-cli').Migration}"));
    });
    await applyMigrations({ sequelize, migrations: asWrittenBefore });
    expect((await migrate(sequelize, config)).migrations).toEqual([]);
    // Another config is still a changed migration: the old text is accepted only for this config's rendering.
    await expect(migrate(sequelize, {})).rejects.toMatchObject({ exitCode: 6 });
  });

  test("a different config after the initial migration is applied is a changed migration (exit code 6), not a silent re-run", async () => {
    await migrate(sequelize, {});
    await expect(migrate(sequelize, { extend: { User: { phoneNumber: "STRING" } } })).rejects.toMatchObject({ exitCode: 6 });
  });
});
