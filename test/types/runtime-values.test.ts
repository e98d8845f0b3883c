/**
 * The type map (src/types/columnValues.ts) against what the adapter really returns, on each dialect: a
 * column's TypeScript read type names a runtime kind, and a value read back from a real database must be
 * of that kind. Changing rowMapping.ts without the types (or the types without it) fails here or in
 * `npm run typecheck`.
 */
import { randomUUID } from "node:crypto";
import type { Sequelize } from "sequelize";
import { SequelizeAdapter } from "../../src/adapter";
import { createSequelize } from "../../src/database";
import { migrate } from "../../src/migrator/migrate";
import type { ColumnType } from "../../src/schema";
import type { ColumnReadType } from "../../src/types";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, type TestDatabase } from "../helpers/databases";

type Kind<T> = T extends string ? "string" : T extends number ? "number" : T extends boolean ? "boolean" : T extends Date ? "Date" : "any JSON value";

/** What each column type's read type says a value is; `satisfies` ties the table to the type map. */
const KIND = {
  STRING: "string",
  TEXT: "string",
  UUID: "string",
  INTEGER: "number",
  BIGINT: "number",
  FLOAT: "number",
  DECIMAL: "string",
  BOOLEAN: "boolean",
  DATE: "Date",
  DATEONLY: "string",
  JSON: "any JSON value",
} as const satisfies { [T in ColumnType]: Kind<ColumnReadType<T>> };

function kindOf(value: unknown): string {
  return value instanceof Date ? "Date" : typeof value;
}

const CONFIG = {
  extend: {
    User: {
      aString: "STRING",
      aText: "TEXT",
      aUuid: "UUID",
      anInteger: "INTEGER",
      aBigint: "BIGINT",
      aFloat: "FLOAT",
      aDecimal: { type: "DECIMAL", precision: 10, scale: 2 },
      aBoolean: "BOOLEAN",
      aDate: "DATE",
      aDateonly: "DATEONLY",
      aJson: "JSON",
    },
  },
} as const;

const COLUMN_TYPE: Record<keyof typeof CONFIG.extend.User, ColumnType> = {
  aString: "STRING",
  aText: "TEXT",
  aUuid: "UUID",
  anInteger: "INTEGER",
  aBigint: "BIGINT",
  aFloat: "FLOAT",
  aDecimal: "DECIMAL",
  aBoolean: "BOOLEAN",
  aDate: "DATE",
  aDateonly: "DATEONLY",
  aJson: "JSON",
};

const targets: Array<[string, () => Promise<TestDatabase> | TestDatabase]> = [
  ["PostgreSQL", () => createPostgresDatabase("types_runtime")],
  ["SQLite", () => createSqliteDatabase("types-runtime")],
  ["MariaDB", () => createMariaDatabase("types_runtime")],
];

describe.each(targets)("column types at run time (%s)", (_, create) => {
  let database: TestDatabase;
  let sequelize: Sequelize;

  beforeAll(async () => {
    database = await create();
    sequelize = createSequelize(database.url);
    await migrate(sequelize, CONFIG);
  });

  afterAll(async () => {
    await sequelize?.close();
    await database?.drop();
  });

  test("each value reads back as the kind its TypeScript type names", async () => {
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const { id } = await adapter.createUser({
      id: randomUUID(),
      email: `${randomUUID()}@example.com`,
      emailVerified: null,
      aString: "s",
      aText: "t",
      aUuid: randomUUID(),
      anInteger: 7,
      aBigint: Number.MAX_SAFE_INTEGER,
      aFloat: 0.5,
      aDecimal: "12.50",
      aBoolean: true,
      aDate: new Date(),
      aDateonly: "2030-01-31",
      aJson: { nested: [1, "x"] },
    });
    const user = (await adapter.getUser(id))!;
    const kinds = Object.fromEntries(Object.entries(COLUMN_TYPE).map(([attribute]) => [attribute, kindOf(user[attribute as keyof typeof COLUMN_TYPE])]));
    const expected = Object.fromEntries(Object.entries(COLUMN_TYPE).map(([attribute, type]) => [attribute, type === "JSON" ? "object" : KIND[type]]));
    expect(kinds).toEqual(expected);
  });

  test.each([
    ["12.5", "12.50"],
    ["12.50", "12.50"],
    [3, "3.00"],
    ["-0.01", "-0.01"],
    ["99999999.99", "99999999.99"],
  ])("DECIMAL(10, 2) written as %p reads back as %p, which updateUser takes back unchanged", async (written, read) => {
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const { id } = await adapter.createUser({ id: randomUUID(), email: `${randomUUID()}@example.com`, emailVerified: null, aDecimal: written });
    const user = (await adapter.getUser(id))!;
    expect(user.aDecimal).toBe(read);
    const updated = await adapter.updateUser({ id, aDecimal: user.aDecimal });
    expect(updated.aDecimal).toBe(read);
  });

  test("a nullable column reads back null when nothing was written", async () => {
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const { id } = await adapter.createUser({ id: randomUUID(), email: `${randomUUID()}@example.com`, emailVerified: null });
    const user = (await adapter.getUser(id))!;
    expect(Object.keys(COLUMN_TYPE).filter((attribute) => user[attribute as keyof typeof COLUMN_TYPE] !== null)).toEqual([]);
  });
});
