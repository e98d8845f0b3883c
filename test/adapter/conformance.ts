/**
 * The adapter's contract, as one suite run per database (see postgres/sqlite*.test.ts). Every assertion
 * is against what a real database stored or returned: rows are also read back with raw SQL.
 */
import { createHash, randomUUID } from "node:crypto";
import { QueryTypes, type Sequelize } from "sequelize";
import type { AdapterAccount, AdapterUser } from "@auth/core/adapters" with { "resolution-mode": "import" };
import { createSequelize } from "../../src/database";
import { migrate } from "../../src/migrator/migrate";
import { SequelizeAdapter, UnknownRecordError, type AuthdbAdapter } from "../../src/adapter";
import type { TestDatabase } from "../helpers/databases";

export const CONFIG = { extend: { User: { phoneNumber: "STRING" as const } } };

type User = AdapterUser & { phoneNumber: string | null };

const hash = (value: string) => createHash("sha256").update(value).digest("hex");
const ms = (iso: string) => new Date(iso);

export function runConformance(label: string, createDatabase: () => Promise<TestDatabase> | TestDatabase): void {
  describe(`SequelizeAdapter conformance (${label})`, () => {
    let database: TestDatabase;
    let sequelize: Sequelize;
    let adapter: AuthdbAdapter;

    /** Raw SQL, outside the adapter: what is really in the database. */
    const raw = <T extends object = Record<string, unknown>>(sql: string, bind: unknown[] = []) =>
      sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT, raw: true });
    const count = async (table: string, column: string, value: unknown) =>
      Number((await raw<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = $1`, [value]))[0]!.n);

    beforeAll(async () => {
      database = await createDatabase();
      sequelize = createSequelize(database.url);
      await migrate(sequelize, CONFIG);
      adapter = SequelizeAdapter(sequelize, CONFIG);
    });

    afterAll(async () => {
      await sequelize?.close();
      await database?.drop();
    });

    const newUser = (overrides: Partial<User> = {}) =>
      adapter.createUser({
        id: randomUUID(),
        email: `${randomUUID()}@example.com`,
        emailVerified: null,
        ...overrides,
      } as User) as Promise<User>;

    describe("users", () => {
      test("createUser stores and returns every field, the custom column and milliseconds", async () => {
        const input = {
          id: randomUUID(),
          name: "Zoë 山田 🚀 Ñandú",
          email: "zoe@example.com",
          emailVerified: ms("2031-02-03T04:05:06.789Z"),
          image: "https://example.com/zoe.png",
          phoneNumber: "+41 79 000 00 00",
        };
        const user = await adapter.createUser(input);
        expect(user).toEqual(input);
        expect(user.emailVerified).toBeInstanceOf(Date);
        expect(user.emailVerified!.getTime()).toBe(input.emailVerified.getTime());

        const [row] = await raw<Record<string, unknown>>(`SELECT name, phone_number, email FROM users WHERE id = $1`, [input.id]);
        expect(row).toEqual({ name: input.name, phone_number: input.phoneNumber, email: input.email });
        expect(await adapter.getUser(input.id)).toEqual(input);
        expect(await adapter.getUserByEmail("zoe@example.com")).toEqual(input);
      });

      test("createUser keeps nulls, and gives a non-UUID id a fresh UUID", async () => {
        const user = await adapter.createUser({ id: "not-a-uuid", email: "nulls@example.com", emailVerified: null });
        expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(user).toEqual({ id: user.id, email: "nulls@example.com", emailVerified: null, name: null, image: null, phoneNumber: null });
      });

      test("unknown and malformed ids are null, never a database error", async () => {
        expect(await adapter.getUser(randomUUID())).toBeNull();
        expect(await adapter.getUser("invalid-user-id")).toBeNull();
        expect(await adapter.getUser("")).toBeNull();
        expect(await adapter.getUserByEmail("nobody@example.com")).toBeNull();
        expect(await adapter.deleteUser("invalid-user-id")).toBeNull();
        expect(await adapter.deleteUser(randomUUID())).toBeNull();
      });

      test("updateUser sets only the fields given and returns the updated user", async () => {
        const user = await newUser({ name: "Before", phoneNumber: "123", image: "img" });
        const verified = ms("2032-12-31T23:59:59.999Z");
        const updated = await adapter.updateUser({ id: user.id, name: "After", emailVerified: verified });
        expect(updated).toEqual({ ...user, name: "After", emailVerified: verified });
        const phone = await adapter.updateUser({ id: user.id, phoneNumber: "456" } as Partial<User> & { id: string });
        expect((phone as User).phoneNumber).toBe("456");
        expect(phone.name).toBe("After");
        const cleared = await adapter.updateUser({ id: user.id, emailVerified: null });
        expect(cleared.emailVerified).toBeNull();
        expect(await adapter.getUser(user.id)).toEqual({ ...user, name: "After", phoneNumber: "456", emailVerified: null });
      });

      test("updateUser of an unknown or malformed id throws", async () => {
        await expect(adapter.updateUser({ id: randomUUID(), name: "x" })).rejects.toBeInstanceOf(UnknownRecordError);
        await expect(adapter.updateUser({ id: "invalid-user-id", name: "x" })).rejects.toBeInstanceOf(UnknownRecordError);
      });

      test("the unique email is enforced by the database", async () => {
        const user = await newUser();
        await expect(newUser({ email: user.email })).rejects.toThrow();
      });
    });

    describe("accounts", () => {
      const longToken = "t".repeat(4096);

      test("linkAccount stores 4 KB tokens and expires_at as a number; extra token fields are ignored", async () => {
        const user = await newUser();
        const account = {
          userId: user.id,
          type: "oauth" as const,
          provider: "github",
          providerAccountId: randomUUID(),
          access_token: longToken,
          refresh_token: `${longToken}r`,
          id_token: `${longToken}i`,
          expires_at: 4_102_444_800, // 2100-01-01: past 2038
          token_type: "bearer",
          scope: "read:user user:email",
          session_state: null,
        };
        const linked = await adapter.linkAccount({ ...account, expires_in: 3600, ext_expires_in: 3600 } as AdapterAccount);
        expect(linked).toEqual({ ...account, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
        expect(typeof linked!.expires_at).toBe("number");

        const fetched = await adapter.getAccount(account.providerAccountId, "github");
        expect(fetched).toEqual(linked);
        expect((fetched!.access_token as string).length).toBe(4096);
        const [row] = await raw<{ n: number }>(`SELECT LENGTH(refresh_token) AS n FROM accounts WHERE provider_account_id = $1`, [account.providerAccountId]);
        expect(Number(row!.n)).toBe(4097);

        expect(await adapter.getUserByAccount({ provider: "github", providerAccountId: account.providerAccountId })).toEqual(user);
      });

      test("getAccount takes (providerAccountId, provider); wrong pairs are null", async () => {
        const user = await newUser();
        const providerAccountId = randomUUID();
        await adapter.linkAccount({ userId: user.id, type: "oauth", provider: "auth0", providerAccountId });
        expect(await adapter.getAccount(providerAccountId, "auth0")).toMatchObject({ provider: "auth0", providerAccountId, userId: user.id, expires_at: null });
        expect(await adapter.getAccount("auth0", providerAccountId)).toBeNull();
        expect(await adapter.getAccount(providerAccountId, "github")).toBeNull();
        expect(await adapter.getAccount("nope", "auth0")).toBeNull();
        expect(await adapter.getUserByAccount({ provider: "invalid-provider", providerAccountId: "invalid" })).toBeNull();
      });

      test("unlinkAccount deletes and returns the account once", async () => {
        const user = await newUser();
        const providerAccountId = randomUUID();
        const linked = await adapter.linkAccount({ userId: user.id, type: "oidc", provider: "google", providerAccountId, expires_at: 1 });
        expect(await adapter.unlinkAccount({ provider: "google", providerAccountId })).toEqual(linked);
        expect(await count("accounts", "provider_account_id", providerAccountId)).toBe(0);
        expect(await adapter.unlinkAccount({ provider: "google", providerAccountId })).toBeUndefined();
        expect(await adapter.getUser(user.id)).toEqual(user);
      });

      test("linkAccount for an unknown user throws (foreign key)", async () => {
        await expect(adapter.linkAccount({ userId: randomUUID(), type: "oauth", provider: "x", providerAccountId: randomUUID() })).rejects.toThrow();
      });
    });

    describe("sessions", () => {
      test("create, getSessionAndUser (one join), update, delete", async () => {
        const user = await newUser({ phoneNumber: "+1 555", name: "Session Owner" });
        const expires = ms("2033-05-06T07:08:09.123Z");
        const sessionToken = randomUUID();
        const session = await adapter.createSession({ sessionToken, userId: user.id, expires });
        expect(session).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), sessionToken, userId: user.id, expires });

        const both = await adapter.getSessionAndUser(sessionToken);
        expect(both).toEqual({ session, user });
        expect(both!.session.expires).toBeInstanceOf(Date);
        expect(both!.session.expires.getTime()).toBe(expires.getTime());
        expect(await adapter.getSessionAndUser("invalid-token")).toBeNull();

        const later = ms("2034-01-01T00:00:00.001Z");
        const updated = await adapter.updateSession({ sessionToken, expires: later });
        expect(updated).toEqual({ ...session, expires: later });
        expect((await adapter.getSessionAndUser(sessionToken))!.session.expires.getTime()).toBe(later.getTime());
        expect(await adapter.updateSession({ sessionToken: "unknown", expires: later })).toBeNull();

        expect(await adapter.deleteSession(sessionToken)).toEqual({ ...session, expires: later });
        expect(await count("sessions", "session_token", sessionToken)).toBe(0);
        expect(await adapter.deleteSession(sessionToken)).toBeNull();
        expect(await adapter.getSessionAndUser(sessionToken)).toBeNull();
      });

      test("createSession for an unknown user throws; a malformed userId throws before the database", async () => {
        await expect(adapter.createSession({ sessionToken: randomUUID(), userId: randomUUID(), expires: new Date() })).rejects.toThrow();
        await expect(adapter.createSession({ sessionToken: randomUUID(), userId: "invalid-user-id", expires: new Date() })).rejects.toBeInstanceOf(
          UnknownRecordError,
        );
      });
    });

    describe("verification tokens", () => {
      const expires = ms("2030-06-07T08:09:10.456Z");

      test("useVerificationToken returns the token once, then null", async () => {
        const token = { identifier: "once@example.com", token: hash(randomUUID()), expires };
        expect(await adapter.createVerificationToken(token)).toEqual(token);
        const used = await adapter.useVerificationToken({ identifier: token.identifier, token: token.token });
        expect(used).toEqual(token);
        expect(used!.expires.getTime()).toBe(expires.getTime());
        expect(await adapter.useVerificationToken({ identifier: token.identifier, token: token.token })).toBeNull();
        expect(await count("verification_tokens", "token", token.token)).toBe(0);
      });

      test("a wrong token or a wrong identifier deletes nothing", async () => {
        const identifier = "victim@example.com";
        const pending = [hash(randomUUID()), hash(randomUUID())];
        for (const t of pending) await adapter.createVerificationToken({ identifier, token: t, expires });
        expect(await adapter.useVerificationToken({ identifier, token: hash("guess") })).toBeNull();
        expect(await adapter.useVerificationToken({ identifier: "attacker@example.com", token: pending[0] })).toBeNull();
        expect(await count("verification_tokens", "identifier", identifier)).toBe(2);
        expect(await adapter.useVerificationToken({ identifier, token: pending[1] })).toEqual({ identifier, token: pending[1], expires });
        expect(await count("verification_tokens", "identifier", identifier)).toBe(1);
      });

      test("50 concurrent uses of one token: exactly one caller gets it", async () => {
        const token = { identifier: "race@example.com", token: hash(randomUUID()), expires };
        await adapter.createVerificationToken(token);
        const results = await Promise.all(Array.from({ length: 50 }, () => adapter.useVerificationToken({ identifier: token.identifier, token: token.token })));
        const winners = results.filter((r) => r !== null);
        expect(winners).toEqual([token]);
        expect(await count("verification_tokens", "token", token.token)).toBe(0);
      });
    });

    describe("authenticators", () => {
      const authenticatorFor = (userId: string, overrides: Record<string, unknown> = {}) => ({
        credentialID: randomUUID(),
        providerAccountId: randomUUID(),
        userId,
        counter: 4_294_967_295, // the WebAuthn counter is unsigned 32-bit
        credentialBackedUp: true,
        credentialDeviceType: "multiDevice",
        credentialPublicKey: "pk".repeat(300),
        transports: "usb,nfc",
        ...overrides,
      });

      test("create, get, list, update the counter", async () => {
        const user = await newUser();
        const first = authenticatorFor(user.id);
        const second = authenticatorFor(user.id, { counter: 0, credentialBackedUp: false, transports: null });
        expect(await adapter.createAuthenticator(first)).toEqual(first);
        expect(await adapter.createAuthenticator(second)).toEqual(second);
        const fetched = await adapter.getAuthenticator(first.credentialID);
        expect(fetched).toEqual(first);
        expect(typeof fetched!.counter).toBe("number");
        expect(fetched!.credentialBackedUp).toBe(true);
        expect((await adapter.getAuthenticator(second.credentialID))!.credentialBackedUp).toBe(false);

        const listed = await adapter.listAuthenticatorsByUserId(user.id);
        expect(listed.sort((a, b) => a.credentialID.localeCompare(b.credentialID))).toEqual(
          [first, second].sort((a, b) => a.credentialID.localeCompare(b.credentialID)),
        );

        expect(await adapter.updateAuthenticatorCounter(second.credentialID, 42)).toEqual({ ...second, counter: 42 });
        expect((await adapter.getAuthenticator(second.credentialID))!.counter).toBe(42);
      });

      test("unknown credentials and users", async () => {
        expect(await adapter.getAuthenticator("invalid-credential-id")).toBeNull();
        expect(await adapter.listAuthenticatorsByUserId(randomUUID())).toEqual([]);
        expect(await adapter.listAuthenticatorsByUserId("invalid-user-id")).toEqual([]);
        await expect(adapter.updateAuthenticatorCounter("invalid-credential-id", 1)).rejects.toBeInstanceOf(UnknownRecordError);
        await expect(adapter.createAuthenticator(authenticatorFor(randomUUID()))).rejects.toThrow();
        await expect(adapter.createAuthenticator(authenticatorFor("invalid-user-id"))).rejects.toThrow();
      });
    });

    describe("round trips", () => {
      test("the hot paths issue exactly one SQL statement each", async () => {
        const user = await newUser();
        const providerAccountId = randomUUID();
        await adapter.linkAccount({ userId: user.id, type: "oauth", provider: "github", providerAccountId });
        const sessionToken = randomUUID();
        await adapter.createSession({ sessionToken, userId: user.id, expires: new Date(Date.now() + 60_000) });
        const token = { identifier: user.email, token: hash(randomUUID()), expires: new Date(Date.now() + 60_000) };
        await adapter.createVerificationToken(token);

        const statements: string[] = [];
        const options = (sequelize as unknown as { options: { logging: unknown } }).options;
        options.logging = (sql: string) => statements.push(sql);
        try {
          const calls: Array<[string, () => unknown]> = [
            ["getSessionAndUser", () => adapter.getSessionAndUser(sessionToken)],
            ["getUserByAccount", () => adapter.getUserByAccount({ provider: "github", providerAccountId })],
            ["useVerificationToken", () => adapter.useVerificationToken(token)],
            ["updateUser", () => adapter.updateUser({ id: user.id, name: "One Trip" })],
            ["updateSession", () => adapter.updateSession({ sessionToken, expires: new Date(Date.now() + 120_000) })],
            ["deleteSession", () => adapter.deleteSession(sessionToken)],
          ];
          for (const [name, call] of calls) {
            statements.length = 0;
            expect(await call()).not.toBeNull();
            expect({ name, statements: statements.length }).toEqual({ name, statements: 1 });
          }
        } finally {
          options.logging = false;
        }
      });
    });

    describe("deleteUser", () => {
      test("returns the deleted user and removes its sessions, accounts and authenticators", async () => {
        const user = await newUser({ name: "Leaving", phoneNumber: "999" });
        const other = await newUser();
        const sessionToken = randomUUID();
        await adapter.createSession({ sessionToken, userId: user.id, expires: new Date(Date.now() + 60_000) });
        await adapter.createSession({ sessionToken: randomUUID(), userId: other.id, expires: new Date(Date.now() + 60_000) });
        await adapter.linkAccount({ userId: user.id, type: "oauth", provider: "github", providerAccountId: randomUUID() });
        await adapter.createAuthenticator({
          credentialID: randomUUID(),
          providerAccountId: randomUUID(),
          userId: user.id,
          counter: 1,
          credentialBackedUp: false,
          credentialDeviceType: "singleDevice",
          credentialPublicKey: "pk",
          transports: null,
        });

        expect(await adapter.deleteUser(user.id)).toEqual(user);
        expect(await count("users", "id", user.id)).toBe(0);
        expect(await count("sessions", "user_id", user.id)).toBe(0);
        expect(await count("accounts", "user_id", user.id)).toBe(0);
        expect(await count("authenticators", "user_id", user.id)).toBe(0);
        expect(await count("sessions", "user_id", other.id)).toBe(1);
        expect(await adapter.getSessionAndUser(sessionToken)).toBeNull();
        expect(await adapter.deleteUser(user.id)).toBeNull();
      });
    });
  });
}
