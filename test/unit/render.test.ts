import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { isUntouchedRendering } from "../../src/migrations/fingerprint";
import { INITIAL_MIGRATION_NAME, migrationFileName, renderInitialMigration } from "../../src/migrations/renderMigration";
import { renderMigrationSet } from "../../src/migrations/migrationSet";
import { renderSnapshot, SNAPSHOT_FILE } from "../../src/migrations/snapshot";
import { migrationChecksum } from "../../src/migrator/checksum";
import { buildSchema } from "../../src/schema";
import { DataTypes } from "sequelize";

describe("renderInitialMigration", () => {
  test("the checked-in migrations/ is exactly what our renderer writes for the default config", () => {
    const dir = path.join(__dirname, "..", "..", "migrations");
    const set = renderMigrationSet({});
    expect(readdirSync(dir).sort()).toEqual([...set.map((m) => m.name), SNAPSHOT_FILE].sort());
    // If this fails after a schema change: run `npm run migrations:render` and commit the result.
    for (const { name, source } of set) expect(readFileSync(path.join(dir, name), "utf8")).toBe(source);
    expect(readFileSync(path.join(dir, SNAPSHOT_FILE), "utf8")).toBe(renderSnapshot(buildSchema()));
    expect(set[0].name).toBe(INITIAL_MIGRATION_NAME);
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

describe("renderInitialMigration: config values never become code", () => {
  type Mutable = Record<string, unknown>;
  /** A schema as validation would never let through: the renderer must refuse it on its own. */
  const hostile = (mutate: (phone: Mutable, users: Mutable) => void) => {
    const schema = buildSchema({ extend: { User: { phoneNumber: { type: "STRING", unique: true } } } });
    const users = schema.tables.User as unknown as Mutable;
    mutate(schema.tables.User.columns.at(-1) as unknown as Mutable, users);
    return () => renderInitialMigration(schema);
  };
  const PAYLOAD = "1), evil: require('fs').writeFileSync('pwned', ''), z: (1";

  test.each<[string, (phone: Mutable, users: Mutable) => void, RegExp]>([
    ["a string length", (c) => (c.length = PAYLOAD), /users\.phone_number length must be a safe integer to be written into a migration, got a string/],
    ["a fractional length", (c) => (c.length = 1.5), /users\.phone_number length must be a safe integer .*, got 1\.5/],
    ["a NaN precision", (c) => Object.assign(c, { type: "DECIMAL", precision: NaN }), /users\.phone_number precision must be a safe integer .*, got NaN/],
    ["a string scale", (c) => Object.assign(c, { type: "DECIMAL", precision: 5, scale: "2) + evil(" }), /users\.phone_number scale must be a safe integer .*, got a string/],
    ["a type that is not a type name", (c) => (c.type = "STRING(1), evil: evil()"), /users\.phone_number: type "STRING\(1\), evil: evil\(\)" is not one of STRING, TEXT/],
    ["a string allowNull", (c) => (c.allowNull = "true, evil: evil()"), /users\.phone_number allowNull must be true or false .*, got a string/],
    ["an object default", (c) => (c.defaultValue = { toJSON: () => "x" }), /users\.phone_number defaultValue must be a string, a finite number, a boolean or null .*, got an object/],
    ["a function default", (c) => (c.defaultValue = () => "x"), /users\.phone_number defaultValue must be .*, got a function/],
    ["an Infinity default", (c) => (c.defaultValue = Infinity), /defaultValue must be .*, got Infinity/],
    ["a column name that is code", (c) => (c.column = "x: evil(), y"), /users column: "x: evil\(\), y" cannot be written into a migration: it may only contain letters/],
    ["a table name that closes the comment", (_, u) => (u.table = "users */ evil() /*"), /table: "users \*\/ evil\(\) \/\*" cannot be written/],
    ["an index column that is not a string", (_, u) => ((u.indexes as Array<{ columns: unknown[] }>)[1].columns = [{}]), /users index must be a string .*, got an object/],
  ])("throws on %s", (_what, mutate, message) => {
    expect(hostile(mutate)).toThrow(message);
  });

  test("a default full of quotes, backticks, ${, newlines, U+2028 and */ reaches createTable exactly", () => {
    const text = "it's \"q\" `t` ${x} \\ \n\u2028\u2029 */ /* end";
    const source = renderInitialMigration(buildSchema({ extend: { User: { motto: { type: "TEXT", defaultValue: text } } } }));
    expect(source).not.toMatch(/[\u2028\u2029]/);
    const module = { exports: {} as { up(qi: unknown, s: unknown): Promise<void> } };
    new Function("module", "exports", source)(module, module.exports);
    const created: Record<string, Record<string, { defaultValue?: unknown }>> = {};
    const queryInterface = { createTable: async (name: string, attributes: never) => (created[name] = attributes), addIndex: async () => undefined };
    return module.exports.up(queryInterface, DataTypes).then(() => expect(created.users.motto.defaultValue).toBe(text));
  });
});

describe("migrationFileName", () => {
  test("is a UTC timestamp and a slug", () => {
    expect(migrationFileName("Add phone number!", new Date("2026-11-23T09:30:15.999Z"))).toBe("20261123093015-add-phone-number.js");
    expect(() => migrationFileName("!!!")).toThrow(/empty file name/);
  });
});
