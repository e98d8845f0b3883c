/** The @auth/sequelize-adapter style: `models` attribute maps and `{ models: { User } }` custom columns. */
import { randomUUID } from "node:crypto";
import { DataTypes, QueryTypes, type ModelAttributes, type Sequelize } from "sequelize";
import { createSequelize } from "../../src/database";
import { migrate } from "../../src/migrator/migrate";
import { models, SequelizeAdapter } from "../../src/adapter";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, type TestDatabase } from "../helpers/databases";

type Attribute = { type: { key: string; options?: unknown }; field?: string; allowNull?: boolean; primaryKey?: boolean };

/**
 * What a define() could change: Sequelize's normalizeAttribute swaps `type` for the dialect's class and adds
 * Model/fieldName/_modelAttribute to the very attribute object it was given.
 */
function describeAttributes(attributes: ModelAttributes): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(attributes as Record<string, Attribute>).map(([name, a]) => [
      name,
      { keys: Object.keys(a).sort(), type: a.type.key, typeConstructor: (a.type as object).constructor?.name, typeOptions: JSON.stringify(a.type.options ?? {}), field: a.field, allowNull: a.allowNull, primaryKey: a.primaryKey ?? false },
    ]),
  );
}

describe("models exports", () => {
  test("attribute maps with snake_case fields, new objects on every access", () => {
    expect(Object.keys(models)).toEqual(["User", "Account", "Session", "VerificationToken", "Authenticator"]);
    expect(models.User).not.toBe(models.User);
    expect((models.User.emailVerified as Attribute).type).not.toBe((models.User.emailVerified as Attribute).type);
    expect((models.Account.providerAccountId as Attribute).field).toBe("provider_account_id");
    expect((models.User.emailVerified as Attribute).field).toBe("email_verified");
    expect((models.Authenticator.credentialID as Attribute).field).toBe("credential_id");
    expect(Object.isFrozen(models)).toBe(true);
  });

  test("define() on two Sequelize instances (PostgreSQL and SQLite) mutates nothing we export", async () => {
    const before = Object.fromEntries(Object.keys(models).map((name) => [name, describeAttributes(models[name as keyof typeof models])]));
    const pg = await createPostgresDatabase("adapter_models_mutation");
    const instances = [createSequelize(pg.url), createSequelize("sqlite::memory:")];
    try {
      for (const sequelize of instances) {
        for (const name of Object.keys(models) as Array<keyof typeof models>) {
          const model = sequelize.define(name, { ...models[name] }, { timestamps: false });
          expect(model.getAttributes()).toBeDefined();
        }
        const user = sequelize.define("user", { ...models.User, phoneNumber: DataTypes.STRING });
        expect(user.getAttributes().emailVerified!.field).toBe("email_verified");
      }
      const after = Object.fromEntries(Object.keys(models).map((name) => [name, describeAttributes(models[name as keyof typeof models])]));
      expect(after).toEqual(before);
    } finally {
      for (const sequelize of instances) await sequelize.close();
      await pg.drop();
    }
  });
});

const targets: Array<[string, () => Promise<TestDatabase> | TestDatabase]> = [
  ["PostgreSQL", () => createPostgresDatabase("adapter_models")],
  ["SQLite file", () => createSqliteDatabase("adapter-models")],
  ["MariaDB", () => createMariaDatabase("adapter_models")],
];

describe.each(targets)("models option (%s)", (_label, create) => {
  let database: TestDatabase;
  let sequelize: Sequelize;

  beforeAll(async () => {
    database = await create();
    sequelize = createSequelize(database.url);
    // The same tables the config style migrates: phone_number on users.
    await migrate(sequelize, { extend: { User: { phoneNumber: "STRING" } } });
  });

  afterAll(async () => {
    await sequelize.close();
    await database.drop();
  });

  test("a model's extra attribute is a custom column with the config style's snake_case name", async () => {
    // Default timestamps: Sequelize adds createdAt/updatedAt, which are not custom columns.
    const User = sequelize.define("user", { ...models.User, phoneNumber: DataTypes.STRING });
    const adapter = SequelizeAdapter(sequelize, { models: { User } });
    const id = randomUUID();
    const created = await adapter.createUser({ id, email: "models@example.com", emailVerified: null, phoneNumber: "+44 20" } as never);
    expect(created).toMatchObject({ id, email: "models@example.com", phoneNumber: "+44 20" });
    const rows = await sequelize.query<{ phone_number: string }>("SELECT phone_number FROM users WHERE id = $1", {
      bind: [id],
      type: QueryTypes.SELECT,
    });
    expect(rows).toEqual([{ phone_number: "+44 20" }]);

    // The config style reads the same row.
    const configStyle = SequelizeAdapter(sequelize, { extend: { User: { phoneNumber: "STRING" } } });
    expect(await configStyle.getUser(id)).toEqual(created);
    const updated = await adapter.updateUser({ id, phoneNumber: "+44 21" } as never);
    expect((updated as unknown as { phoneNumber: string }).phoneNumber).toBe("+44 21");
  });

  test("a model attribute that was never migrated is reported by the first-use check", async () => {
    const User = sequelize.define("user_with_role", { ...models.User, role: DataTypes.STRING });
    const adapter = SequelizeAdapter(sequelize, { models: { User } });
    await expect(adapter.getUser(randomUUID())).rejects.toThrow(`table "users" has no column "role" (User.role)`);
  });
});
