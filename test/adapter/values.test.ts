/**
 * Issue 7, items 6–9: what the adapter writes is exactly what it was given, or an InvalidValueError naming
 * the attribute and the value; a lookup by a value no row can hold finds nothing. Every refusal is checked
 * against the database too: nothing was stored.
 */
import { randomUUID } from "node:crypto";
import { QueryTypes, type Sequelize } from "sequelize";
import type { AdapterUser } from "@auth/core/adapters" with { "resolution-mode": "import" };
import { createSequelize } from "../../src/database";
import { migrate } from "../../src/migrator/migrate";
import { ForeignKeyConstraintError, InvalidValueError, SequelizeAdapter, UnknownRecordError, type AuthdbAdapter } from "../../src/adapter";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, type TestDatabase } from "../helpers/databases";

const CONFIG = {
  extend: {
    User: {
      flag: "BOOLEAN",
      count: "INTEGER",
      big: "BIGINT",
      ratio: "FLOAT",
      price: { type: "DECIMAL", precision: 10, scale: 2 },
      amount: "DECIMAL",
      data: "JSON",
      birthday: "DATEONLY",
      seen: "DATE",
      ref: "UUID",
      note: "TEXT",
      code: { type: "STRING", length: 5 },
    },
  },
} as const;

type Values = Record<string, unknown>;

const targets: Array<[string, () => Promise<TestDatabase> | TestDatabase]> = [
  ["PostgreSQL", () => createPostgresDatabase("adapter_values")],
  ["SQLite", () => createSqliteDatabase("adapter-values")],
  ["MariaDB", () => createMariaDatabase("adapter_values")],
];

describe.each(targets)("adapter values (%s)", (label, create) => {
  let database: TestDatabase;
  let sequelize: Sequelize;
  let adapter: AuthdbAdapter;

  beforeAll(async () => {
    database = await create();
    sequelize = createSequelize(database.url);
    await migrate(sequelize, CONFIG);
    adapter = SequelizeAdapter(sequelize, CONFIG);
  });

  afterAll(async () => {
    await sequelize?.close();
    await database?.drop();
  });

  const raw = (sql: string, bind: unknown[] = []) => sequelize.query<Values>(sql, { bind, type: QueryTypes.SELECT, raw: true });
  const usersWithEmail = async (email: string) => Number((await raw("SELECT COUNT(*) AS n FROM users WHERE email = $1", [email]))[0]!.n);
  const createUser = (values: Values) =>
    adapter.createUser({ id: randomUUID(), email: `${randomUUID()}@example.com`, emailVerified: null, ...values } as AdapterUser) as Promise<AdapterUser & Values>;

  /** The call fails with InvalidValueError naming `Model.attribute` and the value as shown. */
  async function expectRefused(call: Promise<unknown>, model: string, attribute: string, value: unknown, shown: string) {
    const error = await call.then(
      () => new Error(`${model}.${attribute} = ${shown} was accepted`),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidValueError);
    const refusal = error as InvalidValueError;
    expect({ model: refusal.model, attribute: refusal.attribute }).toEqual({ model, attribute });
    expect(Object.is(refusal.value, value)).toBe(true);
    expect(refusal.message).toContain(`${model}.${attribute} `);
    expect(refusal.message).toContain(shown);
    expect(refusal.stack).toBeDefined();
  }

  describe("custom columns (item 6)", () => {
    const uuid = randomUUID();
    const accepted: Array<[string, unknown, unknown]> = [
      ["flag", true, true],
      ["flag", false, false],
      ["count", "-12", -12],
      ["count", 2147483647, 2147483647],
      ["count", 7n, 7],
      ["big", "9007199254740991", 9007199254740991],
      ["big", -9007199254740991n, -9007199254740991],
      ["ratio", 0.1, 0.1],
      ["price", "12.30", 12.3],
      ["price", 99999999.99, 99999999.99],
      ["amount", "-0.000001", -0.000001],
      ["data", { a: [1, "x", null, true], "k\u0000": "v\u0000", nested: { empty: [] } }, { a: [1, "x", null, true], "k\u0000": "v\u0000", nested: { empty: [] } }],
      ["data", "just text", "just text"],
      ["birthday", "2024-02-29", "2024-02-29"],
      ["birthday", new Date(2030, 0, 31, 23, 59), "2030-01-31"],
      ["seen", "2030-01-31T12:00:00.123+02:00", new Date("2030-01-31T10:00:00.123Z")],
      ["seen", new Date("0050-06-07T08:09:10.011Z"), new Date("0050-06-07T08:09:10.011Z")],
      ["ref", uuid.toUpperCase(), uuid],
      ["note", "Zoë 山田 🚀", "Zoë 山田 🚀"],
      ["code", "🚀🚀🚀🚀🚀", "🚀🚀🚀🚀🚀"], // 5 characters, 10 UTF-16 units: VARCHAR(5) counts characters
    ];

    // MySQL and MariaDB: a DECIMAL without precision is DECIMAL(10, 0) (below, refused with the reason).
    const acceptedHere = accepted.filter(([attribute, input]) => !(label === "MariaDB" && attribute === "amount" && input === "-0.000001"));

    test.each(acceptedHere)("%s = %p is stored exactly", async (attribute, input, expected) => {
      const user = await createUser({ [attribute]: input });
      const read = (await adapter.getUser(user.id)) as unknown as Values;
      // DECIMAL reads back as text; its form differs by dialect ("12.30" vs "12.3"), its value does not.
      const value = attribute === "price" || attribute === "amount" ? Number(read[attribute]) : read[attribute];
      expect(value).toEqual(expected);
      expect(user[attribute]).toEqual(read[attribute]);
    });

    const refused: Array<[string, unknown, string]> = [
      ["flag", "false", '"false"'],
      ["flag", "0", '"0"'],
      ["flag", "no", '"no"'],
      ["flag", 1, "1"],
      ["count", "", '""'],
      ["count", "12abc", '"12abc"'],
      ["count", 1.5, "1.5"],
      ["count", Number.NaN, "NaN"],
      ["count", 2147483648, "2147483648"],
      ["count", "-99999999999999999999", '"-99999999999999999999"'],
      ["count", true, "true"],
      ["big", 2 ** 53, "9007199254740992"],
      ["big", 9223372036854775807n, "9223372036854775807n"],
      ["big", "9223372036854775807", '"9223372036854775807"'],
      ["big", Number.POSITIVE_INFINITY, "Infinity"],
      ["ratio", Number.NaN, "NaN"],
      ["ratio", Number.NEGATIVE_INFINITY, "-Infinity"],
      ["ratio", "1.5", '"1.5"'],
      ["price", "12.345", '"12.345"'],
      ["price", "123456789", '"123456789"'],
      ["price", 1e21, "1e+21"],
      ["price", "1,5", '"1,5"'],
      ["data", { a: undefined }, "an object"],
      ["data", { f: () => 1 }, "an object"],
      ["data", [1n], "an array"],
      ["data", { when: new Date(0) }, "an object"],
      ["data", new Map([["a", 1]]), "a Map"],
      ["data", Number.NaN, "NaN"],
      ["birthday", "2023-02-30", '"2023-02-30"'],
      ["birthday", "garbage", '"garbage"'],
      ["birthday", new Date("nope"), "an invalid Date"],
      ["seen", new Date("nope"), "an invalid Date"],
      ["seen", "2030-01-31T12:00:00", '"2030-01-31T12:00:00"'],
      ["seen", 1_900_000_000, "1900000000"],
      ["seen", new Date(Date.UTC(10000, 0, 1)), "the Date +010000-01-01T00:00:00.000Z"],
      ["ref", "not-a-uuid", '"not-a-uuid"'],
      ["note", 12, "12"],
      ["note", { a: 1 }, "an object"],
      ["note", "a\u0000b", '"a\\u0000b"'],
      ["note", "broken \ud800 pair", '"broken \\ud800 pair"'],
      ["code", "abcdef", '"abcdef"'],
    ];

    test.each(refused)("%s = %p is refused, and nothing is stored", async (attribute, input, shown) => {
      const email = `${randomUUID()}@example.com`;
      await expectRefused(createUser({ email, [attribute]: input }), "User", attribute, input, shown);
      expect(await usersWithEmail(email)).toBe(0);

      const user = await createUser({ email });
      await expectRefused(adapter.updateUser({ id: user.id, [attribute]: input } as unknown as AdapterUser), "User", attribute, input, shown);
      expect(await adapter.getUser(user.id)).toEqual(user);
    });

    test("FLOAT: a value reads back as written; on MariaDB (single precision) one with more digits than it keeps is refused", async () => {
      for (const ratio of [0.1, 3.14159, -2.5e-7, 16777216]) {
        const user = await createUser({ ratio });
        expect(((await adapter.getUser(user.id)) as unknown as Values).ratio).toBe(ratio);
      }
      const precise = 0.123456789;
      if (label === "MariaDB") {
        await expect(createUser({ ratio: precise })).rejects.toThrow(/single precision.*0\.12345679/);
        // Within float32's digits, beyond its range: the server would refuse it (or clip it outside strict mode).
        await expect(createUser({ ratio: 3.4028235e38 })).rejects.toThrow(/beyond the range of a FLOAT/);
      } else {
        const user = await createUser({ ratio: precise });
        expect(((await adapter.getUser(user.id)) as unknown as Values).ratio).toBe(precise);
      }
    });

    test("TEXT: 70,000 bytes are refused before the database on MariaDB (TEXT holds 65,535), stored elsewhere; 16,000 emoji are 64,000 bytes and fit", async () => {
      const long = "x".repeat(70_000);
      if (label === "MariaDB") {
        await expect(createUser({ note: long })).rejects.toThrow(/is 70000 bytes of UTF-8; a TEXT column on MySQL and MariaDB holds 65535/);
      } else {
        const user = await createUser({ note: long });
        expect((((await adapter.getUser(user.id)) as unknown as Values).note as string).length).toBe(70_000);
      }
      const emoji = "🚀".repeat(16_000);
      const user = await createUser({ note: emoji });
      expect(((await adapter.getUser(user.id)) as unknown as Values).note).toBe(emoji);
    });

    test("JSON: a string that is itself JSON text stays a string", async () => {
      for (const data of ['{"a":1}', "[1, 2]", '"quoted"', "12", "null"]) {
        const user = await createUser({ data });
        expect(((await adapter.getUser(user.id)) as unknown as Values).data).toBe(data);
      }
    });

    test("a cyclic JSON value is refused with the path of the cycle", async () => {
      const cyclic: Values = { a: {} };
      (cyclic.a as Values).back = cyclic;
      await expect(createUser({ data: cyclic })).rejects.toThrow(/User\.data is not plain JSON: \(the value\)\.a\.back refers to an enclosing object/);
    });

    test("DECIMAL without precision: SQLite keeps 15 digits and MySQL-family DECIMAL(10, 0) none after the point, so more are refused there; stored exactly elsewhere", async () => {
      const amount = "1234567890.1234567";
      if (label === "SQLite" || label === "MariaDB") {
        await expectRefused(createUser({ amount }), "User", "amount", amount, `"${amount}"`);
        if (label === "MariaDB") {
          await expect(createUser({ amount: "-0.000001" })).rejects.toThrow(/DECIMAL without precision is DECIMAL\(10, 0\)/);
          const user = await createUser({ amount: "-1234567890" });
          expect(((await adapter.getUser(user.id)) as unknown as Values).amount).toBe("-1234567890");
        }
      } else {
        const user = await createUser({ amount });
        expect(((await adapter.getUser(user.id)) as unknown as Values).amount).toBe(amount);
      }
    });
  });

  describe("built-in columns", () => {
    test("a string longer than VARCHAR(255) is refused on every dialect, before the database", async () => {
      const name = "n".repeat(256);
      const email = `${randomUUID()}@example.com`;
      await expectRefused(createUser({ email, name }), "User", "name", name, "(256 characters)");
      expect(await usersWithEmail(email)).toBe(0);
      expect((await createUser({ name: "n".repeat(255) })).name).toHaveLength(255);
    });

    test("credentialBackedUp must be a boolean; a session token's text never appears in an error", async () => {
      const user = await createUser({});
      const authenticator = {
        credentialID: randomUUID(),
        providerAccountId: randomUUID(),
        userId: user.id,
        counter: 0,
        credentialBackedUp: "false" as unknown as boolean,
        credentialDeviceType: "singleDevice",
        credentialPublicKey: "pk",
        transports: null,
      };
      await expectRefused(adapter.createAuthenticator(authenticator), "Authenticator", "credentialBackedUp", "false", '"false"');
      const sessionToken = `secret-${"s".repeat(300)}`;
      const error = (await adapter.createSession({ sessionToken, userId: user.id, expires: new Date() }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(InvalidValueError);
      expect(error.message).toContain("Session.sessionToken is 307 characters long");
      expect(error.message).not.toContain("secret");
    });

    test("a malformed reference is an UnknownRecordError naming the attribute", async () => {
      const error = await adapter.createSession({ sessionToken: randomUUID(), userId: "invalid-user-id", expires: new Date() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForeignKeyConstraintError);
      expect(error).toBeInstanceOf(UnknownRecordError);
      expect((error as ForeignKeyConstraintError).attributes).toEqual(["userId"]);
      expect((error as Error).message).toContain('Session.userId must be a UUID; got "invalid-user-id", so it names no row of users');
    });
  });

  describe("invalid Dates (item 7)", () => {
    const invalid = new Date("nope");

    test("emailVerified, expires: refused on create and update, nothing stored or changed", async () => {
      const email = `${randomUUID()}@example.com`;
      await expectRefused(createUser({ email, emailVerified: invalid }), "User", "emailVerified", invalid, "an invalid Date");
      expect(await usersWithEmail(email)).toBe(0);

      const user = await createUser({});
      const sessionToken = randomUUID();
      await expectRefused(adapter.createSession({ sessionToken, userId: user.id, expires: invalid }), "Session", "expires", invalid, "an invalid Date");
      expect(await adapter.getSessionAndUser(sessionToken)).toBeNull();

      const expires = new Date("2031-01-01T00:00:00.000Z");
      await adapter.createSession({ sessionToken, userId: user.id, expires });
      await expectRefused(adapter.updateSession({ sessionToken, expires: invalid }), "Session", "expires", invalid, "an invalid Date");
      expect((await adapter.getSessionAndUser(sessionToken))!.session.expires).toEqual(expires);

      const token = { identifier: email, token: randomUUID(), expires: invalid };
      await expectRefused(adapter.createVerificationToken(token), "VerificationToken", "expires", invalid, "an invalid Date");
      expect(await adapter.useVerificationToken({ identifier: email, token: token.token })).toBeNull();
    });

    test("a required Date that is missing is refused before the database", async () => {
      const user = await createUser({});
      const session = { sessionToken: randomUUID(), userId: user.id } as { sessionToken: string; userId: string; expires: Date };
      await expect(adapter.createSession(session)).rejects.toThrow("Session.expires is required (the column is NOT NULL); got undefined");
    });
  });

  describe("NUL and lone surrogates in text (item 8)", () => {
    test("writes are refused; lookups by such a value find nothing, not the row with a look-alike text", async () => {
      // What PostgreSQL used to store for "x\u0000y@x.com": the four characters x \ 0 y.
      const lookalike = await createUser({ email: "x\\0y@x.com" });
      const replaced = await createUser({ email: "x\ufffdy@x.com" });
      await expectRefused(createUser({ email: "x\u0000y@x.com" }), "User", "email", "x\u0000y@x.com", '"x\\u0000y@x.com"');
      expect(await adapter.getUserByEmail("x\u0000y@x.com")).toBeNull();
      expect(await adapter.getUserByEmail("x\ud800y@x.com")).toBeNull();
      expect(await adapter.getUserByEmail(lookalike.email)).toEqual(lookalike);
      expect(await adapter.getUserByEmail(replaced.email)).toEqual(replaced);

      const sessionToken = "tok\\0en";
      await adapter.createSession({ sessionToken, userId: lookalike.id, expires: new Date(Date.now() + 60_000) });
      expect(await adapter.getSessionAndUser("tok\u0000en")).toBeNull();
      expect(await adapter.deleteSession("tok\u0000en")).toBeNull();
      expect(await adapter.getSessionAndUser(sessionToken)).not.toBeNull();
    });
  });

  describe("keys of the wrong type (item 9)", () => {
    // Each stored key is what a coerced wrong-typed key would become: String({}), String(1), String(["a", "b"]).
    const OBJECT = "[object Object]";
    const NOT_STRINGS: unknown[] = [{ a: 1 }, 1, ["a", "b"], true, 1n];

    test("every lookup, update and delete finds nothing, and nothing is deleted", async () => {
      const keys = [OBJECT, "1", "a,b", "true"];
      for (const text of keys) await createUser({ email: text });
      const owner = await createUser({});
      for (const text of keys) {
        await adapter.linkAccount({ userId: owner.id, type: "oauth", provider: text, providerAccountId: text });
        await adapter.createSession({ sessionToken: text, userId: owner.id, expires: new Date(Date.now() + 60_000) });
        await adapter.createVerificationToken({ identifier: text, token: text, expires: new Date(Date.now() + 60_000) });
        await adapter.createAuthenticator({
          credentialID: text,
          providerAccountId: text,
          userId: owner.id,
          counter: 1,
          credentialBackedUp: false,
          credentialDeviceType: "singleDevice",
          credentialPublicKey: "pk",
          transports: null,
        });
      }

      for (const key of NOT_STRINGS as string[]) {
        expect(await adapter.getUserByEmail(key)).toBeNull();
        expect(await adapter.getUser(key)).toBeNull();
        expect(await adapter.deleteUser(key)).toBeNull();
        await expect(adapter.updateUser({ id: key, name: "x" })).rejects.toBeInstanceOf(UnknownRecordError);
        expect(await adapter.getAccount(key, key)).toBeNull();
        expect(await adapter.getUserByAccount({ provider: key, providerAccountId: key })).toBeNull();
        expect(await adapter.unlinkAccount({ provider: key, providerAccountId: key })).toBeUndefined();
        expect(await adapter.getSessionAndUser(key)).toBeNull();
        expect(await adapter.updateSession({ sessionToken: key, expires: new Date() })).toBeNull();
        expect(await adapter.deleteSession(key)).toBeNull();
        expect(await adapter.useVerificationToken({ identifier: key, token: key })).toBeNull();
        expect(await adapter.getAuthenticator(key)).toBeNull();
        await expect(adapter.updateAuthenticatorCounter(key, 2)).rejects.toBeInstanceOf(UnknownRecordError);
        expect(await adapter.listAuthenticatorsByUserId(key)).toEqual([]);
      }

      const count = async (table: string) => Number((await raw(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = $1`, [owner.id]))[0]!.n);
      expect({ accounts: await count("accounts"), sessions: await count("sessions"), authenticators: await count("authenticators") }).toEqual({
        accounts: 4,
        sessions: 4,
        authenticators: 4,
      });
      for (const text of keys) {
        expect((await adapter.getUserByEmail(text))?.email).toBe(text);
        expect(await adapter.useVerificationToken({ identifier: text, token: text })).not.toBeNull();
        expect((await adapter.getAuthenticator(text))?.counter).toBe(1);
      }
    });
  });
});
