/**
 * Issue 7, item 5: every column option in config is checked with exact types and portable ranges before it
 * can reach a migration file, defaults fit their column, and names of Object.prototype members are refused.
 */
import { DataTypes, QueryTypes } from "sequelize";
import { ConfigError, validateConfig } from "../../src/config";
import { createSequelize } from "../../src/database";
import { migrate } from "../../src/migrator";
import { SequelizeAdapter } from "../../src/adapter";
import { DIALECTS } from "../migrator/support";

const FILE = "/app/authdb.config.json";
const userColumn = (column: unknown) => ({ extend: { User: { col: column } } });
const parsedUserColumn = (json: string) => JSON.parse(`{ "extend": { "User": { "col": ${json} } } }`);
const rejects = (config: unknown, message: RegExp) => {
  expect(() => validateConfig(config, FILE)).toThrow(ConfigError);
  expect(() => validateConfig(config, FILE)).toThrow(message);
};
const customColumn = (config: unknown) => validateConfig(config).schema.tables.User.columns.find((c) => c.custom);

describe("column options: exact types", () => {
  test("the issue's payload in length is refused, naming the field and the value", () => {
    const config = parsedUserColumn(`{ "type": "STRING", "length": "1), evil: require('fs').writeFileSync('pwned', ''), z: (1" }`);
    rejects(config, /^\/app\/authdb\.config\.json: extend\.User\.col\.length must be a number, got "1\), evil: require/);
  });

  test.each([
    [`{ "type": "STRING", "lenght": 20 }`, /extend\.User\.col\.lenght is not a column option; use type, allowNull, unique, defaultValue, length, precision, scale/],
    [`{ "type": "STRING", "__proto__": { "length": 1 } }`, /extend\.User\.col\.__proto__ is not a column option/],
    [`{ "type": "STRING", "allowNull": "false" }`, /extend\.User\.col\.allowNull must be true or false, got "false"/],
    [`{ "type": "STRING", "unique": 1 }`, /extend\.User\.col\.unique must be true or false, got 1/],
    [`{ "type": "STRING", "length": 1.5 }`, /extend\.User\.col\.length must be an integer, got 1\.5/],
    [`{ "type": "INTEGER", "defaultValue": { "a": 1 } }`, /extend\.User\.col\.defaultValue must be a string, a finite number, true, false or null, got \{"a":1\}/],
    [`{ "type": "INTEGER", "defaultValue": [1] }`, /extend\.User\.col\.defaultValue must be a string, a finite number/],
    [`{ "type": 42 }`, /extend\.User\.col has no type/],
    [`{ "type": "STRING(1); evil()" }`, /extend\.User\.col unknown type "STRING\(1\); evil\(\)"/],
  ])("%s is refused with the option's path", (json, message) => rejects(parsedUserColumn(json), message));

  test("an option inherited through a JavaScript __proto__ literal is validated like an own one", () => {
    rejects(userColumn({ type: "STRING", __proto__: { length: "1) evil" } }), /extend\.User\.col\.length must be a number, got "1\) evil"/);
  });
});

describe("column options: portable ranges per type", () => {
  test.each([
    [{ type: "STRING", length: 0 }, /extend\.User\.col\.length must be an integer from 1 to 16383 \(characters; use TEXT for longer values\), got 0/],
    [{ type: "STRING", length: 16384 }, /length must be an integer from 1 to 16383/],
    [{ type: "DATE", length: 7 }, /extend\.User\.col\.length must be an integer from 0 to 6 \(fractional-second digits\), got 7/],
    [{ type: "DATE", length: -1 }, /length must be an integer from 0 to 6/],
    [{ type: "DECIMAL", precision: 66 }, /extend\.User\.col\.precision must be an integer from 1 to 65/],
    [{ type: "DECIMAL", precision: 0 }, /precision must be an integer from 1 to 65/],
    [{ type: "DECIMAL", precision: 5, scale: 6 }, /extend\.User\.col\.scale must be an integer from 0 to 5 \(digits after the point, at most precision\), got 6/],
    [{ type: "DECIMAL", precision: 40, scale: 31 }, /scale must be an integer from 0 to 30/],
    [{ type: "DECIMAL", scale: 2 }, /extend\.User\.col\.scale needs precision as well/],
    [{ type: "INTEGER", length: 11 }, /extend\.User\.col\.length is not an option of INTEGER columns \(they take no size\); remove it/],
    [{ type: "TEXT", length: 100 }, /extend\.User\.col\.length is not an option of TEXT columns/],
    [{ type: "STRING", precision: 5 }, /extend\.User\.col\.precision is not an option of STRING columns \(they take only length\)/],
    [{ type: "DECIMAL", length: 5 }, /extend\.User\.col\.length is not an option of DECIMAL columns \(they take only precision and scale\)/],
  ])("%j is refused", (column, message) => rejects(userColumn(column), message));

  test("the limits themselves are accepted", () => {
    // 16,383 characters is a VARCHAR column's own limit; beside the built-in columns of users the row limit
    // leaves 15,831 (test/unit/mysql-limits.test.ts).
    expect(customColumn(userColumn({ type: "STRING", length: 15831 }))).toMatchObject({ length: 15831 });
    expect(customColumn(userColumn({ type: "DATE", length: 0 }))).toMatchObject({ length: 0 });
    expect(customColumn(userColumn({ type: "DATE", length: 6 }))).toMatchObject({ length: 6 });
    expect(customColumn(userColumn({ type: "DECIMAL", precision: 65, scale: 30 }))).toMatchObject({ precision: 65, scale: 30 });
  });
});

describe("Sequelize DataTypes values are validated the same way", () => {
  test.each([
    [DataTypes.STRING("1) evil" as never), /extend\.User\.col\.length must be an integer from 1 to 16383 \(characters; use TEXT for longer values\) \(in the DataTypes value\), got "1\) evil"/],
    [{ key: "STRING", options: { length: "1) x" } }, /extend\.User\.col\.length must be an integer from 1 to 16383 .*got "1\) x"/],
    [{ type: DataTypes.STRING("1) evil" as never), length: 20 }, /extend\.User\.col\.length .*\(in the DataTypes value\), got "1\) evil"/],
    [{ key: "INTEGER", options: { length: "11) evil" } }, /extend\.User\.col\.length is not an option of INTEGER columns \(in the DataTypes value\)/],
    [DataTypes.DECIMAL(70, 2), /extend\.User\.col\.precision must be an integer from 1 to 65/],
    [DataTypes.DATE(9 as never), /extend\.User\.col\.length must be an integer from 0 to 6/],
    [{ key: "STRING); evil(" }, /extend\.User\.col unknown type "STRING\); evil\("/],
  ])("%p is refused", (column, message) => rejects(userColumn(column), message));

  test("valid DataTypes values keep working", () => {
    expect(customColumn(userColumn(DataTypes.STRING(40)))).toMatchObject({ type: "STRING", length: 40 });
    expect(customColumn(userColumn(DataTypes.DECIMAL(10, 2)))).toMatchObject({ type: "DECIMAL", precision: 10, scale: 2 });
    // MySQL's display width, common in @auth/sequelize-adapter models: it changes no value, so it is dropped.
    expect(customColumn(userColumn(DataTypes.INTEGER(11 as never)))).toMatchObject({ type: "INTEGER" });
    expect(customColumn(userColumn(DataTypes.INTEGER(11 as never)))?.length).toBeUndefined();
    expect(customColumn(userColumn(DataTypes.INTEGER))).toMatchObject({ type: "INTEGER" });
    expect(customColumn(userColumn((DataTypes.STRING as unknown as { BINARY: unknown }).BINARY))).toMatchObject({ type: "STRING", length: 255 });
  });
});

describe("defaultValue must fit its column", () => {
  test.each([
    [{ type: "INTEGER", defaultValue: "abc" }, /extend\.User\.col\.defaultValue must be an integer from -2147483648 to 2147483647 for INTEGER columns, got "abc"/],
    [{ type: "INTEGER", defaultValue: 2147483648 }, /defaultValue must be an integer from -2147483648 to 2147483647/],
    [{ type: "INTEGER", defaultValue: 1.5 }, /defaultValue must be an integer/],
    [{ type: "BIGINT", defaultValue: 2 ** 53 }, /defaultValue must be an integer from -9007199254740991 to 9007199254740991/],
    [{ type: "BOOLEAN", defaultValue: "true" }, /defaultValue must be true or false for BOOLEAN columns, got "true"/],
    [{ type: "FLOAT", defaultValue: "1.5" }, /defaultValue must be a finite number for FLOAT columns/],
    [{ type: "STRING", length: 3, defaultValue: "abcd" }, /defaultValue is 4 characters long, more than the column's length 3/],
    [{ type: "STRING", defaultValue: 5 }, /defaultValue must be a string for STRING columns, got 5/],
    [{ type: "TEXT", defaultValue: "a\u0000b" }, /defaultValue contains the character U\+0000/],
    [{ type: "DECIMAL", precision: 4, scale: 2, defaultValue: "123.4" }, /defaultValue does not fit DECIMAL\(4, 2\): at most 2 digits before the point and 2 after/],
    [{ type: "DECIMAL", precision: 4, scale: 2, defaultValue: 1.234 }, /does not fit DECIMAL\(4, 2\)/],
    [{ type: "DECIMAL", defaultValue: "1e5" }, /defaultValue must be a number or a decimal string such as "12\.50" \(no exponent\)/],
    [{ type: "DATE", defaultValue: "2026-01-31 12:00:00" }, /defaultValue must be an ISO 8601 timestamp with a zone/],
    [{ type: "DATE", defaultValue: "2026-02-30T12:00:00Z" }, /defaultValue must be an ISO 8601 timestamp/],
    [{ type: "DATE", defaultValue: "now" }, /defaultValue must be an ISO 8601 timestamp/],
    [{ type: "DATEONLY", defaultValue: "2026-13-01" }, /defaultValue must be a date "YYYY-MM-DD"/],
    [{ type: "UUID", defaultValue: "not-a-uuid" }, /defaultValue must be a UUID string/],
    [{ type: "JSON", defaultValue: "{}" }, /defaultValue is not supported on a JSON column \(MySQL refuses a literal JSON default\)/],
    [{ type: "STRING", allowNull: false, defaultValue: null }, /defaultValue is null but allowNull is false/],
  ])("%j is refused", (column, message) => rejects(userColumn(column), message));

  test.each([
    [{ type: "INTEGER", defaultValue: -2147483648 }],
    [{ type: "BIGINT", defaultValue: 9007199254740991 }],
    [{ type: "BOOLEAN", defaultValue: false }],
    [{ type: "FLOAT", defaultValue: -0.5 }],
    [{ type: "DECIMAL", precision: 4, scale: 2, defaultValue: "12.50" }],
    [{ type: "DECIMAL", precision: 4, scale: 2, defaultValue: 99.9 }],
    [{ type: "DATE", defaultValue: "2026-01-31T12:00:00.123+02:00" }],
    [{ type: "DATEONLY", defaultValue: "2024-02-29" }],
    [{ type: "UUID", defaultValue: "6f1c2e3a-1b2c-4d5e-8f90-123456789abc" }],
    [{ type: "STRING", length: 3, defaultValue: "😀😀😀" }],
    [{ type: "STRING", defaultValue: null }],
  ])("%j is accepted", (column) => expect(customColumn(userColumn(column))?.defaultValue).toEqual(column.defaultValue));
});

describe("names of Object.prototype members", () => {
  test.each(["constructor", "toString", "hasOwnProperty", "valueOf", "__proto__"])("extend.User.%s is refused as a column name", (name) => {
    const config = JSON.parse(`{ "extend": { "User": { "${name}": "STRING" } } }`);
    rejects(config, new RegExp(`extend\\.User\\.${name} is not a valid column name: it is the name of a member every JavaScript object has \\(Object\\.prototype\\.${name}\\)`));
  });

  test.each([
    [`{ "extend": { "constructor": { "x": "STRING" } } }`, /extend\.constructor: not an Auth\.js model/],
    [`{ "extend": { "__proto__": { "x": "STRING" } } }`, /extend\.__proto__ is not an Auth\.js model/],
    [`{ "tables": { "__proto__": "users2" } }`, /tables\.__proto__ is not an Auth\.js model/],
    [`{ "tables": { "toString": "users2" } }`, /tables\.toString: not an Auth\.js model/],
  ])("model-level key %s is refused", (json, message) => rejects(JSON.parse(json), message));

  test("an inherited model (a JavaScript __proto__ literal) is not config: nothing is read from it", () => {
    const schema = validateConfig({ extend: { __proto__: { User: { evil: { type: "STRING", length: "1) x" } } } }, tables: { __proto__: { User: "other" } } }).schema;
    expect(schema.tables.User.table).toBe("users");
    expect(schema.tables.User.columns.some((c) => c.custom)).toBe(false);
  });
});

// Strings that would break out of a JS string, a template literal, a comment or an SQL literal if pasted.
const HOSTILE_TEXT = "it's \"quoted\" `tick` ${x} back\\slash\nnew line\u2028sep */ end";

describe.each(DIALECTS)("defaults round-trip into the database on $dialect", ({ dialect, create }) => {
  test("migrate, insert a row without the columns, read each default back exactly", async () => {
    const db = await create("config_defaults");
    const sequelize = createSequelize(db.url);
    const config = {
      extend: {
        User: {
          motto: { type: "TEXT", defaultValue: HOSTILE_TEXT },
          nickname: { type: "STRING", length: 80, defaultValue: HOSTILE_TEXT },
          score: { type: "INTEGER", allowNull: false, defaultValue: -7 },
          premium: { type: "BOOLEAN", defaultValue: true },
          ratio: { type: "FLOAT", defaultValue: 0.25 },
          balance: { type: "DECIMAL", precision: 10, scale: 2, defaultValue: "12.50" },
          since: { type: "DATEONLY", defaultValue: "2024-02-29" },
          seenAt: { type: "DATE", defaultValue: "2026-01-31T12:00:00.123Z" },
          team: { type: "UUID", defaultValue: "6f1c2e3a-1b2c-4d5e-8f90-123456789abc" },
        },
      },
    } as const;
    try {
      await migrate(sequelize, config);
      await sequelize.query(`INSERT INTO users (id) VALUES ('0b0c0d0e-0000-4000-8000-000000000001')`);
      const [row] = await sequelize.query<Record<string, unknown>>(`SELECT * FROM users`, { type: QueryTypes.SELECT });
      expect(row.motto).toBe(HOSTILE_TEXT);
      expect(row.nickname).toBe(HOSTILE_TEXT);
      expect(Number(row.score)).toBe(-7);
      expect(Number(row.ratio)).toBe(0.25);
      expect(Number(row.balance)).toBe(12.5);

      // The adapter maps the rest: it omits custom columns it is not given, so the database defaults apply.
      const adapter = SequelizeAdapter(sequelize, config);
      const user = (await adapter.createUser({ id: "0b0c0d0e-0000-4000-8000-000000000002", email: "a@example.com", emailVerified: null })) as unknown as Record<string, unknown>;
      expect(user).toMatchObject({ motto: HOSTILE_TEXT, nickname: HOSTILE_TEXT, score: -7, premium: true, ratio: 0.25, since: "2024-02-29", team: "6f1c2e3a-1b2c-4d5e-8f90-123456789abc" });
      expect(Number(user.balance)).toBe(12.5);
      expect((user.seenAt as Date).toISOString()).toBe("2026-01-31T12:00:00.123Z");
    } finally {
      await sequelize.close();
      await db.drop();
    }
  }, 30_000);
});
