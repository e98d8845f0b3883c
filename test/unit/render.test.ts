import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { isUntouchedRendering } from "../../src/migrations/fingerprint";
import { INITIAL_MIGRATION_NAME, migrationFileName, renderInitialMigration } from "../../src/migrations/renderMigration";
import { planInitialMigrationUpdate } from "../../src/migrations/initialMigrationUpdate";
import { migrationChecksum } from "../../src/migrator/checksum";
import { buildSchema } from "../../src/schema";
import { createTempDir } from "../helpers/databases";
import { writeFileSync } from "node:fs";

describe("renderInitialMigration", () => {
  test("the checked-in migrations/ is exactly what our renderer writes for the default config", () => {
    const dir = path.join(__dirname, "..", "..", "migrations");
    expect(readdirSync(dir)).toEqual([INITIAL_MIGRATION_NAME]);
    // If this fails after a schema change: run `npm run migrations:render` and commit the result.
    expect(readFileSync(path.join(dir, INITIAL_MIGRATION_NAME), "utf8")).toBe(renderInitialMigration(buildSchema()));
  });

  test("is a loadable CommonJS module with up and down", () => {
    const module = { exports: {} as { up?: unknown; down?: unknown } };
    new Function("module", "exports", renderInitialMigration(buildSchema()))(module, module.exports);
    expect(typeof module.exports.up).toBe("function");
    expect(typeof module.exports.down).toBe("function");
  });

  test("includes custom columns and their unique index", () => {
    const source = renderInitialMigration(buildSchema({ extend: { User: { phoneNumber: { type: "STRING", unique: true, allowNull: false } } } }));
    expect(source).toContain(`phone_number: { type: Sequelize.STRING(255), allowNull: false },`);
    expect(source).toContain(`await queryInterface.addIndex("users", ["phone_number"], { name: "users_phone_number_unique", unique: true });`);
    expect(source).toContain("Custom columns: users.phone_number.");
  });

  test("carries a fingerprint that breaks when the file is edited", () => {
    const source = renderInitialMigration(buildSchema());
    expect(isUntouchedRendering(source)).toBe(true);
    expect(isUntouchedRendering(source.replace("TEXT", "STRING"))).toBe(false);
    // A Windows checkout is not an edit.
    expect(isUntouchedRendering(source.replace(/\n/g, "\r\n"))).toBe(true);
    expect(migrationChecksum(source.replace(/\n/g, "\r\n"))).toBe(migrationChecksum(source));
  });
});

describe("planInitialMigrationUpdate", () => {
  let tmp: ReturnType<typeof createTempDir>;
  beforeEach(() => (tmp = createTempDir("render")));
  afterEach(() => tmp.cleanup());

  const withPhone = buildSchema({ extend: { User: { phoneNumber: "STRING" } } });

  test("re-renders a pending, untouched initial migration when the config gained a column", () => {
    writeFileSync(path.join(tmp.dir, INITIAL_MIGRATION_NAME), renderInitialMigration(buildSchema()));
    const update = planInitialMigrationUpdate(tmp.dir, withPhone, []);
    expect(update?.content).toContain("phone_number");
  });

  test("never touches an applied, an edited or an up-to-date file", () => {
    const file = path.join(tmp.dir, INITIAL_MIGRATION_NAME);
    writeFileSync(file, renderInitialMigration(buildSchema()));
    expect(planInitialMigrationUpdate(tmp.dir, withPhone, [INITIAL_MIGRATION_NAME])).toBeNull();
    writeFileSync(file, renderInitialMigration(withPhone));
    expect(planInitialMigrationUpdate(tmp.dir, withPhone, [])).toBeNull();
    writeFileSync(file, renderInitialMigration(buildSchema()).replace("image: {", "avatar: {"));
    expect(planInitialMigrationUpdate(tmp.dir, withPhone, [])).toBeNull();
  });
});

describe("migrationFileName", () => {
  test("is a UTC timestamp and a slug", () => {
    expect(migrationFileName("Add phone number!", new Date("2026-11-23T09:30:15.999Z"))).toBe("20261123093015-add-phone-number.js");
    expect(() => migrationFileName("!!!")).toThrow(/empty file name/);
  });
});
