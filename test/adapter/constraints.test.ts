/**
 * Issue 7, item 10: unique, foreign-key, not-null and length violations reported by the database come
 * back as authdb errors naming the model, the attribute(s) and the constraint, with the database's own
 * error as `cause`. Constraint names map back to attributes through the Schema on both dialects.
 */
import { randomUUID } from "node:crypto";
import type { Sequelize } from "sequelize";
import type { AdapterUser } from "@auth/core/adapters" with { "resolution-mode": "import" };
import { createSequelize } from "../../src/database";
import { migrate } from "../../src/migrator/migrate";
import {
  ConstraintViolationError,
  ForeignKeyConstraintError,
  SequelizeAdapter,
  UniqueConstraintError,
  UnknownRecordError,
  type AuthdbAdapter,
} from "../../src/adapter";
import type { ConstraintKind } from "../../src/adapter/errors";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, type TestDatabase } from "../helpers/databases";

// handle: a custom column the database must fill (NOT NULL, no default) and keep unique.
const CONFIG = { extend: { User: { handle: { type: "STRING", allowNull: false, unique: true } } } } as const;

const targets: Array<[string, () => Promise<TestDatabase> | TestDatabase]> = [
  ["PostgreSQL", () => createPostgresDatabase("adapter_constraints")],
  ["SQLite", () => createSqliteDatabase("adapter-constraints")],
  ["MariaDB", () => createMariaDatabase("adapter_constraints")],
];

describe.each(targets)("constraint violations (%s)", (label, create) => {
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

  const newUser = (values: Record<string, unknown> = {}) =>
    adapter.createUser({ id: randomUUID(), email: `${randomUUID()}@example.com`, emailVerified: null, handle: randomUUID(), ...values } as AdapterUser);
  const failure = (call: Promise<unknown>) => call.then(() => new Error("the call succeeded"), (e: unknown) => e as Error);

  /** The error names what the issue asks for, and keeps the database's error (Sequelize's, with the driver's as `parent`). */
  function expectViolation(
    error: Error,
    type: new (...args: never[]) => Error,
    kind: ConstraintKind,
    model: string,
    attributes: string[],
    constraint: string | undefined,
  ) {
    expect(error).toBeInstanceOf(type);
    const violation = error as ConstraintViolationError;
    const named = { kind: violation.kind, model: violation.model, attributes: violation.attributes, constraint: violation.constraint };
    expect(named).toEqual({ kind, model, attributes, constraint });
    for (const attribute of attributes) expect(violation.message).toContain(`${model}.${attribute}`);
    if (constraint) expect(violation.message).toContain(constraint);
    expect((violation.cause as Error).name).toMatch(/^Sequelize/);
    expect((violation.cause as { parent?: unknown }).parent).toBeDefined();
  }

  test("a duplicate email names User.email and users_email_unique, on create and on update", async () => {
    const first = await newUser();
    expectViolation(await failure(newUser({ email: first.email })), UniqueConstraintError, "unique", "User", ["email"], "users_email_unique");
    const second = await newUser();
    expectViolation(await failure(adapter.updateUser({ id: second.id, email: first.email })), UniqueConstraintError, "unique", "User", ["email"], "users_email_unique");
  });

  test("a custom unique column names its attribute and index", async () => {
    const first = (await newUser()) as AdapterUser & { handle: string };
    expectViolation(await failure(newUser({ handle: first.handle })), UniqueConstraintError, "unique", "User", ["handle"], "users_handle_unique");
  });

  test("composite keys name every attribute: accounts' unique key, verification tokens' primary key", async () => {
    const user = await newUser();
    const account = { userId: user.id, type: "oauth" as const, provider: "github", providerAccountId: randomUUID() };
    await adapter.linkAccount(account);
    expectViolation(
      await failure(adapter.linkAccount(account)),
      UniqueConstraintError,
      "unique",
      "Account",
      ["provider", "providerAccountId"],
      "accounts_provider_provider_account_id_unique",
    );

    const token = { identifier: "twice@example.com", token: randomUUID(), expires: new Date(Date.now() + 60_000) };
    await adapter.createVerificationToken(token);
    const primaryKey = label === "PostgreSQL" ? "verification_tokens_pkey" : "primary key";
    expectViolation(await failure(adapter.createVerificationToken(token)), UniqueConstraintError, "unique", "VerificationToken", ["identifier", "token"], primaryKey);
  });

  test("duplicate session tokens and credential IDs", async () => {
    const user = await newUser();
    const sessionToken = randomUUID();
    await adapter.createSession({ sessionToken, userId: user.id, expires: new Date(Date.now() + 60_000) });
    expectViolation(
      await failure(adapter.createSession({ sessionToken, userId: user.id, expires: new Date(Date.now() + 60_000) })),
      UniqueConstraintError,
      "unique",
      "Session",
      ["sessionToken"],
      "sessions_session_token_unique",
    );

    const authenticator = {
      credentialID: randomUUID(),
      providerAccountId: randomUUID(),
      userId: user.id,
      counter: 0,
      credentialBackedUp: false,
      credentialDeviceType: "singleDevice",
      credentialPublicKey: "pk",
      transports: null,
    };
    await adapter.createAuthenticator(authenticator);
    const other = await newUser();
    expectViolation(
      await failure(adapter.createAuthenticator({ ...authenticator, userId: other.id })),
      UniqueConstraintError,
      "unique",
      "Authenticator",
      ["credentialID"],
      "authenticators_credential_id_unique",
    );
  });

  test("a reference to an unknown user is a ForeignKeyConstraintError (an UnknownRecordError) naming userId and its value", async () => {
    const userId = randomUUID();
    const error = await failure(adapter.createSession({ sessionToken: randomUUID(), userId, expires: new Date(Date.now() + 60_000) }));
    // PostgreSQL and MariaDB name the foreign key (its name is the database's choice: sessions_user_id_fkey,
    // sessions_ibfk_1); SQLite names none.
    const constraint = label === "SQLite" ? undefined : (error as ForeignKeyConstraintError).constraint;
    if (label !== "SQLite") expect(constraint).toMatch(/^sessions_/);
    expectViolation(error, ForeignKeyConstraintError, "foreignKey", "Session", ["userId"], constraint);
    expect(error).toBeInstanceOf(UnknownRecordError);
    expect(error.message).toContain(`Session.userId "${userId}" names no row of users`);

    const linked = await failure(adapter.linkAccount({ userId, type: "oauth", provider: "github", providerAccountId: randomUUID() }));
    expect(linked).toBeInstanceOf(ForeignKeyConstraintError);
    expect((linked as ForeignKeyConstraintError).attributes).toEqual(["userId"]);
  });

  test("a required custom column left out names the attribute (the database's NOT NULL)", async () => {
    const error = await failure(adapter.createUser({ id: randomUUID(), email: `${randomUUID()}@example.com`, emailVerified: null }));
    expectViolation(error, ConstraintViolationError, "notNull", "User", ["handle"], undefined);
    expect(error.message).toContain("User.handle is required");
  });
});

describe("a column shorter in the database than in the schema (PostgreSQL enforces VARCHAR lengths)", () => {
  let database: TestDatabase;
  let sequelize: Sequelize;

  beforeAll(async () => {
    database = await createPostgresDatabase("adapter_length_drift");
    sequelize = createSequelize(database.url);
    await migrate(sequelize, {});
    await sequelize.query("ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(10)");
  });

  afterAll(async () => {
    await sequelize?.close();
    await database?.drop();
  });

  test("the length violation names the attribute whose value is too long", async () => {
    const adapter = SequelizeAdapter(sequelize);
    const error = await adapter.createUser({ id: randomUUID(), email: "a@b.co", emailVerified: null, name: "a name of 21 letters" }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ConstraintViolationError);
    const violation = error as ConstraintViolationError;
    const named = { kind: violation.kind, model: violation.model, attributes: violation.attributes, constraint: violation.constraint };
    expect(named).toEqual({ kind: "length", model: "User", attributes: ["name"], constraint: undefined });
    expect(violation.message).toContain("User.name is longer than the database column of users holds (value too long for type character varying(10))");
    expect((violation.cause as { parent: { code: string } }).parent.code).toBe("22001");
  });
});
