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
import { detectCapabilities, overrideCapabilities, type Capabilities } from "../../src/adapter/capabilities";
import type { TestDatabase } from "../helpers/databases";

export const CONFIG = { extend: { User: { phoneNumber: "STRING" as const } } };

type User = AdapterUser & { phoneNumber: string | null };

const hash = (value: string) => createHash("sha256").update(value).digest("hex");
const ms = (iso: string) => new Date(iso);

export interface ConformanceOptions {
  /** Forced onto the adapter's instance: the paths of a server without RETURNING, on a server that has it. */
  capabilities?: Capabilities;
}

export function runConformance(label: string, createDatabase: () => Promise<TestDatabase> | TestDatabase, options: ConformanceOptions = {}): void {
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
      if (options.capabilities) overrideCapabilities(sequelize, options.capabilities);
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

      test("50 concurrent deleteSession calls: exactly one caller gets the session", async () => {
        const user = await newUser();
        const sessionToken = randomUUID();
        await adapter.createSession({ sessionToken, userId: user.id, expires });
        const results = await Promise.all(Array.from({ length: 50 }, () => adapter.deleteSession(sessionToken)));
        expect(results.filter((r) => r !== null && r !== undefined)).toEqual([expect.objectContaining({ sessionToken, userId: user.id, expires })]);
        expect(await count("sessions", "session_token", sessionToken)).toBe(0);
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

    describe("exact comparisons: a key differing only in case or by a trailing space finds nothing", () => {
      // MySQL's and MariaDB's default collations ignore both; a token that matched case-insensitively would
      // shrink the space an attacker must guess. PostgreSQL and SQLite compare exactly; all must agree.
      const variants = (value: string) => [value.toUpperCase(), value.toLowerCase(), `${value} `, ` ${value}`].filter((v) => v !== value);

      test("session tokens: getSessionAndUser, updateSession and deleteSession", async () => {
        const user = await newUser();
        const sessionToken = `Tok-${randomUUID()}`;
        await adapter.createSession({ sessionToken, userId: user.id, expires: new Date(Date.now() + 60_000) });
        for (const variant of variants(sessionToken)) {
          expect(await adapter.getSessionAndUser(variant)).toBeNull();
          expect(await adapter.updateSession({ sessionToken: variant, expires: new Date(Date.now() + 120_000) })).toBeNull();
          expect(await adapter.deleteSession(variant)).toBeNull();
        }
        expect(await count("sessions", "session_token", sessionToken)).toBe(1);
        expect((await adapter.getSessionAndUser(sessionToken))?.user.id).toBe(user.id);
      });

      test("verification tokens: neither the token nor the identifier in another case or padded is consumed", async () => {
        const token = { identifier: `Ada-${randomUUID()}@Example.com`, token: `Vt-${hash(randomUUID())}`, expires: new Date(Date.now() + 60_000) };
        await adapter.createVerificationToken(token);
        for (const variant of variants(token.token)) expect(await adapter.useVerificationToken({ identifier: token.identifier, token: variant })).toBeNull();
        for (const variant of variants(token.identifier)) expect(await adapter.useVerificationToken({ identifier: variant, token: token.token })).toBeNull();
        expect(await count("verification_tokens", "token", token.token)).toBe(1);
        expect(await adapter.useVerificationToken(token)).toEqual(token);
      });

      test("emails, provider keys and credential IDs", async () => {
        const email = `Ada.${randomUUID()}@Example.com`;
        const user = await newUser({ email });
        const providerAccountId = `Gh-${randomUUID()}`;
        await adapter.linkAccount({ userId: user.id, type: "oauth", provider: "GitHub", providerAccountId });
        const credentialID = `Cred-${randomUUID()}`;
        await adapter.createAuthenticator({ credentialID, providerAccountId, userId: user.id, counter: 0, credentialBackedUp: false, credentialDeviceType: "singleDevice", credentialPublicKey: "pk", transports: null });
        for (const variant of variants(email)) expect(await adapter.getUserByEmail(variant)).toBeNull();
        for (const variant of variants(providerAccountId)) {
          expect(await adapter.getUserByAccount({ provider: "GitHub", providerAccountId: variant })).toBeNull();
          expect(await adapter.getAccount!(variant, "GitHub")).toBeNull();
        }
        for (const variant of variants("GitHub")) expect(await adapter.getUserByAccount({ provider: variant, providerAccountId })).toBeNull();
        for (const variant of variants(credentialID)) expect(await adapter.getAuthenticator!(variant)).toBeNull();
        expect((await adapter.getUserByEmail(email))?.id).toBe(user.id);
        expect((await adapter.getUserByAccount({ provider: "GitHub", providerAccountId }))?.id).toBe(user.id);
        expect((await adapter.getAuthenticator!(credentialID))?.credentialID).toBe(credentialID);
      });

      test("a 4-byte character round-trips and is told apart from its neighbours", async () => {
        const name = "Zoë 🚀 山田 𝒜";
        const user = await newUser({ name });
        expect((await adapter.getUser(user.id))?.name).toBe(name);
        const [row] = await raw<{ name: string }>("SELECT name FROM users WHERE id = $1", [user.id]);
        expect(row!.name).toBe(name);
        const email = `🚀${randomUUID()}@example.com`;
        await newUser({ email });
        expect(await adapter.getUserByEmail(email.replace("🚀", "🚁"))).toBeNull();
        expect((await adapter.getUserByEmail(email))?.email).toBe(email);
      });
    });

    describe("round trips", () => {
      test("the hot paths issue one SQL statement each where the server returns what it wrote", async () => {
        const capabilities = await detectCapabilities(sequelize);
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
          // Without RETURNING: an UPDATE and the re-read; a DELETE guarded by SELECT … FOR UPDATE in a transaction.
          const update = capabilities.updateReturning ? 1 : 2;
          const remove = capabilities.deleteReturning ? 1 : 2;
          const calls: Array<[string, () => unknown, number]> = [
            ["getSessionAndUser", () => adapter.getSessionAndUser(sessionToken), 1],
            ["getUserByAccount", () => adapter.getUserByAccount({ provider: "github", providerAccountId }), 1],
            ["useVerificationToken", () => adapter.useVerificationToken(token), remove],
            ["updateUser", () => adapter.updateUser({ id: user.id, name: "One Trip" }), update],
            ["updateSession", () => adapter.updateSession({ sessionToken, expires: new Date(Date.now() + 120_000) }), update],
            ["deleteSession", () => adapter.deleteSession(sessionToken), remove],
          ];
          for (const [name, call, expected] of calls) {
            statements.length = 0;
            expect(await call()).not.toBeNull();
            // Transaction control (START TRANSACTION, COMMIT) is not a statement of the method's own.
            const own = statements.filter((sql) => !/\b(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SET SESSION TRANSACTION)\b/i.test(sql.replace(/^Executing \([^)]*\): /, "").slice(0, 40)));
            expect({ name, statements: own.length }).toEqual({ name, statements: expected });
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
