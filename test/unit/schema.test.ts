import { DataTypes } from "sequelize";
import { buildSchema, toColumnName, SchemaConfigError, tablesInOrder, type TableSpec } from "../../src/schema";

const column = (table: TableSpec, name: string) => table.columns.find((c) => c.column === name);

describe("buildSchema: the Auth.js table set", () => {
  const schema = buildSchema();

  test("has the five tables under the names @auth/sequelize-adapter uses, in dependency order", () => {
    expect(tablesInOrder(schema).map((t) => t.table)).toEqual(["users", "accounts", "sessions", "verification_tokens", "authenticators"]);
  });

  test("names columns in snake_case", () => {
    expect(schema.tables.Account.columns.map((c) => c.column)).toEqual([
      "id", "user_id", "type", "provider", "provider_account_id", "refresh_token", "access_token",
      "expires_at", "token_type", "scope", "id_token", "session_state",
    ]);
    expect(column(schema.tables.User, "email_verified")?.attribute).toBe("emailVerified");
    expect(column(schema.tables.Authenticator, "credential_id")?.attribute).toBe("credentialID");
  });

  test("keeps OAuth tokens and scope in TEXT and expires_at in a 64-bit integer", () => {
    for (const name of ["refresh_token", "access_token", "id_token", "scope", "session_state"]) {
      expect(column(schema.tables.Account, name)?.type).toBe("TEXT");
    }
    expect(column(schema.tables.Account, "expires_at")?.type).toBe("BIGINT");
  });

  test("declares unique keys, indexes and cascading foreign keys", () => {
    const accountIndexes = schema.tables.Account.indexes.map((i) => ({ columns: i.columns, unique: i.unique }));
    expect(accountIndexes).toEqual([
      { columns: ["provider", "provider_account_id"], unique: true },
      { columns: ["user_id"], unique: false },
    ]);
    expect(schema.tables.User.indexes).toEqual([{ name: "users_email_unique", columns: ["email"], unique: true }]);
    expect(schema.tables.Session.indexes.map((i) => [i.columns, i.unique])).toEqual([[["session_token"], true], [["user_id"], false], [["expires"], false]]);
    // Level 1 (what the initial migration creates) has no expiry index: a later built-in migration adds it.
    expect(buildSchema({ builtinLevel: 1 }).tables.Session.indexes.map((i) => i.name)).toEqual(["sessions_session_token_unique", "sessions_user_id"]);
    for (const model of ["Account", "Session", "Authenticator"] as const) {
      expect(column(schema.tables[model], "user_id")?.references).toEqual({ table: "users", column: "id", onDelete: "CASCADE" });
    }
    const pk = (t: TableSpec) => t.columns.filter((c) => c.primaryKey).map((c) => c.column);
    expect(pk(schema.tables.VerificationToken)).toEqual(["identifier", "token"]);
    expect(pk(schema.tables.Authenticator)).toEqual(["user_id", "credential_id"]);
  });

  test("returns a fresh object each time, so one caller cannot change another's schema", () => {
    const a = buildSchema();
    a.tables.User.columns.pop();
    expect(buildSchema().tables.User.columns).toHaveLength(5);
  });
});

describe("buildSchema: custom columns from extend", () => {
  test("accepts a type name, an object and a Sequelize DataTypes value", () => {
    const schema = buildSchema({
      extend: {
        User: {
          phoneNumber: "STRING",
          age: { type: "INTEGER", allowNull: false, defaultValue: 0 },
          nickname: DataTypes.STRING(40) as never,
          isAdmin: DataTypes.BOOLEAN as never,
          balance: { type: "DECIMAL", precision: 10, scale: 2, unique: true },
        },
      },
    });
    const users = schema.tables.User;
    expect(column(users, "phone_number")).toEqual({ attribute: "phoneNumber", column: "phone_number", type: "STRING", length: 255, allowNull: true, custom: true });
    expect(column(users, "age")).toMatchObject({ type: "INTEGER", allowNull: false, defaultValue: 0 });
    expect(column(users, "nickname")).toMatchObject({ type: "STRING", length: 40 });
    expect(column(users, "is_admin")).toMatchObject({ type: "BOOLEAN", allowNull: true });
    expect(column(users, "balance")).toMatchObject({ type: "DECIMAL", precision: 10, scale: 2 });
    expect(users.indexes).toContainEqual({ name: "users_balance_unique", columns: ["balance"], unique: true });
  });

  test.each([
    [{ User: { "phone-number": "STRING" } }, /extend\.User\.phone-number is not a valid column name/],
    [{ User: { "1st": "STRING" } }, /extend\.User\.1st .*must not start with a digit/],
    [{ User: { phoneNumber: "VARCHAR" } }, /extend\.User\.phoneNumber unknown type "VARCHAR"; use one of STRING, TEXT/],
    [{ User: { phoneNumber: { allowNull: true } } }, /extend\.User\.phoneNumber is an object without "type"/],
    [{ User: { email: "STRING" } }, /extend\.User\.email collides with the built-in column "email"/],
    [{ User: { email_verified: "DATE" } }, /extend\.User\.email_verified collides with the built-in column "emailVerified"/],
    [{ Profile: { bio: "TEXT" } }, /extend\.Profile is not an Auth\.js model/],
    [{ User: { [`x${"y".repeat(70)}`]: "TEXT" } }, /longer than 63 characters/],
  ])("rejects %j naming the key", (extend, message) => {
    expect(() => buildSchema({ extend: extend as never })).toThrow(SchemaConfigError);
    expect(() => buildSchema({ extend: extend as never })).toThrow(message);
  });

  test("rejects invalid or duplicate table names", () => {
    expect(() => buildSchema({ tables: { User: "auth users" } })).toThrow(/tables\.User "auth users" may only contain letters/);
    expect(() => buildSchema({ tables: { Session: "users" } })).toThrow(/tables\.Session "users" is already the table of User/);
  });

  test("rejects a table name whose derived index names would be truncated by the database", () => {
    expect(() => buildSchema({ tables: { Account: "oauth_provider_accounts_for_the_application_users" } })).toThrow(
      /tables\.Account gives the index name "oauth_provider_accounts_for_the_application_users_provider_provider_account_id_unique" \(85 characters; databases keep 63\): choose a shorter table name/,
    );
    expect(() => buildSchema({ extend: { User: { [`a${"b".repeat(50)}`]: { type: "STRING", unique: true } } } })).toThrow(/extend\.User\.abbb+ gives the index name .* choose a shorter column name/);
  });

  test("renamed tables flow into foreign keys and index names", () => {
    const schema = buildSchema({ tables: { User: "auth_users", Account: "auth_accounts" } });
    expect(column(schema.tables.Account, "user_id")?.references?.table).toBe("auth_users");
    expect(schema.tables.Account.indexes[0].name).toBe("auth_accounts_provider_provider_account_id_unique");
  });
});

describe("toColumnName", () => {
  test.each([
    ["providerAccountId", "provider_account_id"],
    ["emailVerified", "email_verified"],
    ["refresh_token", "refresh_token"],
    ["credentialID", "credential_id"],
    ["phoneNumber", "phone_number"],
    ["HTMLBody", "html_body"],
    ["address2", "address2"],
  ])("%s → %s", (attribute, column) => expect(toColumnName(attribute)).toBe(column));
});
