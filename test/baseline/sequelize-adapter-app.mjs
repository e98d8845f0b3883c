/**
 * An app on the real @auth/sequelize-adapter (ESM-only, so jest cannot import it), set up as its docs
 * tell users to: `SequelizeAdapter(sequelize, { models })`, then `sequelize.sync()` to create the tables.
 * It signs people in through the adapter's own methods and prints what it stored, as JSON.
 *
 *   node sequelize-adapter-app.mjs <database-url> <variant> [duplicate-account]
 *
 * Variants: default (the adapter's own models), custom (a User model with phoneNumber, `underscored: true`
 * and Sequelize's default timestamps), custom-no-timestamps, docs (the Auth.js docs' example as written:
 * no model options, so camelCase columns and createdAt/updatedAt).
 */
import SequelizeAdapter, { models } from "@auth/sequelize-adapter";
import { DataTypes, Sequelize } from "sequelize";

const [url, variant = "default", extra] = process.argv.slice(2);
const sequelize = new Sequelize(url, { logging: false });

function userModel() {
  const attributes = { ...models.User, phoneNumber: DataTypes.STRING };
  switch (variant) {
    case "default":
      return undefined;
    case "custom":
      return sequelize.define("user", attributes, { underscored: true });
    case "custom-no-timestamps":
      return sequelize.define("user", attributes, { underscored: true, timestamps: false });
    case "docs":
      return sequelize.define("user", attributes);
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

const User = userModel();
const adapter = SequelizeAdapter(sequelize, User ? { models: { User } } : undefined);
await sequelize.sync();

const custom = variant === "default" ? {} : { phoneNumber: "+41 79 000 00 01" };
const alice = await adapter.createUser({ name: "Alice", email: "alice@example.com", emailVerified: new Date("2026-01-02T03:04:05.678Z"), image: "https://example.com/a.png", ...custom });
const bob = await adapter.createUser({ name: "Bob", email: "bob@example.com", emailVerified: null, image: null });
const github = {
  userId: alice.id,
  type: "oauth",
  provider: "github",
  providerAccountId: "1001",
  access_token: "gho_" + "a".repeat(200),
  token_type: "bearer",
  scope: "read:user user:email",
  expires_at: 1_900_000_000,
};
await adapter.linkAccount(github);
await adapter.linkAccount({ userId: bob.id, type: "oauth", provider: "google", providerAccountId: "2002", refresh_token: "1//r", id_token: "eyJ" + "b".repeat(300), expires_at: 1_800_000_000 });
if (extra === "duplicate-account") {
  // sync() made no unique key on (provider, provider_account_id): a second link of the same account succeeds.
  await adapter.linkAccount({ ...github, userId: bob.id });
}
const sessions = [
  await adapter.createSession({ sessionToken: "session-alice", userId: alice.id, expires: new Date("2030-01-01T00:00:00.000Z") }),
  await adapter.createSession({ sessionToken: "session-bob", userId: bob.id, expires: new Date("2030-02-01T00:00:00.000Z") }),
];
await adapter.createVerificationToken({ identifier: "carol@example.com", token: "token-carol", expires: new Date("2030-03-01T00:00:00.000Z") });
await sequelize.close();
console.log(JSON.stringify({ users: [alice.get({ plain: true }), bob.get({ plain: true })], sessions: sessions.map((s) => s.get({ plain: true })), github }));
