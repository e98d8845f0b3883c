import { QueryTypes, Sequelize } from "sequelize";
import { createSequelize } from "../../src/database";
import { MigrationFailedError } from "../../src/errors";
import { applyMigrations, migrationFromSource, renderedMigrationSet } from "../../src/migrator";
import { buildSchema } from "../../src/schema";
import { createSqliteDatabase, type TestDatabase } from "../helpers/databases";

/**
 * On SQLite, Sequelize rebuilds a table to remove or change a column (DROP TABLE + CREATE TABLE), and
 * with foreign keys on that DROP cascades. A migration must never delete rows it did not mean to.
 */
const USER = "00000000-0000-4000-8000-00000000000a";

const removeImageColumn = migrationFromSource(
  "20270101000000-remove-image.js",
  `module.exports = {
     async up(queryInterface) { await queryInterface.removeColumn("users", "image"); },
     async down(queryInterface, Sequelize) { await queryInterface.addColumn("users", "image", { type: Sequelize.TEXT }); },
   };`,
);

const orphanAccount = migrationFromSource(
  "20270102000000-orphan.js",
  `module.exports = {
     async up(queryInterface) {
       await queryInterface.sequelize.query("INSERT INTO accounts (id, user_id, type, provider, provider_account_id) VALUES ('a2', '00000000-0000-4000-8000-0000000000ff', 'oauth', 'x', 'y')");
     },
     async down() {},
   };`,
);

describe.each(["file", "memory"])("SQLite (%s): schema changes keep related rows", (kind) => {
  let db: TestDatabase | undefined;
  let sequelize: Sequelize;
  const initial = renderedMigrationSet({});
  const count = async (table: string) => Number((await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`, { type: QueryTypes.SELECT }))[0].n);

  beforeEach(async () => {
    db = kind === "file" ? createSqliteDatabase("fk") : undefined;
    sequelize = createSequelize(db?.url ?? "sqlite::memory:");
    await applyMigrations({ sequelize, migrations: initial });
    await sequelize.query(`INSERT INTO users (id, email, image) VALUES ('${USER}', 'fk@example.com', 'x.png')`);
    await sequelize.query(`INSERT INTO accounts (id, user_id, type, provider, provider_account_id) VALUES ('a1', '${USER}', 'oauth', 'github', '1')`);
    await sequelize.query(`INSERT INTO sessions (id, session_token, user_id, expires) VALUES ('s1', 't1', '${USER}', '2030-01-01 00:00:00.000 +00:00')`);
  });
  afterEach(async () => {
    await sequelize.close();
    await db?.drop();
  });

  test("removeColumn on users does not cascade into accounts and sessions", async () => {
    await applyMigrations({ sequelize, migrations: [...initial, removeImageColumn] });
    const columns = await sequelize.query<{ name: string }>("PRAGMA table_info(users)", { type: QueryTypes.SELECT });
    expect(columns.map((c) => c.name)).not.toContain("image");
    expect(await count("users")).toBe(1);
    expect(await count("accounts")).toBe(1);
    expect(await count("sessions")).toBe(1);
  });

  test("foreign keys are enforced again after the migration", async () => {
    await applyMigrations({ sequelize, migrations: [...initial, removeImageColumn] });
    await sequelize.query(`DELETE FROM users WHERE id = '${USER}'`);
    expect(await count("accounts")).toBe(0);
  });

  test("a migration that leaves a dangling foreign key fails and is rolled back", async () => {
    const run = applyMigrations({ sequelize, migrations: [...initial, orphanAccount] });
    await expect(run).rejects.toThrow(MigrationFailedError);
    await expect(run).rejects.toThrow(/leaves 1 row\(s\) whose foreign key points at no row: accounts row \d+ → users/);
    expect(await count("accounts")).toBe(1);
    const meta = await sequelize.query<{ name: string }>(`SELECT name FROM "SequelizeMeta"`, { type: QueryTypes.SELECT });
    expect(meta.map((m) => m.name)).toEqual(initial.map((m) => m.name));
  });
});
