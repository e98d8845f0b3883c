// The floor: authdb's own SQL statements, copied from its query log (`logging` on, one call of each
// method), sent with `pool.query` on a bare pg.Pool against the tables authdb's migrate() creates
// (named, i.e. prepared, exactly when authdb's hot path names its own: see run.mjs). It maps rows to the
// same Auth.js objects authdb returns, and does nothing else: what authdb costs above this is its own
// per-call machinery. Only the calls the workloads make exist.
// checkFloor (floorCheck.mjs) compares these statements and results with authdb's at every run.
import { randomUUID } from "node:crypto";

const USER = `"id" AS "id", "name" AS "name", "email" AS "email", "email_verified" AS "emailVerified", "image" AS "image"`;
const SESSION = `"id" AS "id", "session_token" AS "sessionToken", "user_id" AS "userId", "expires" AS "expires"`;
const TOKEN = `"identifier" AS "identifier", "token" AS "token", "expires" AS "expires"`;
const ACCOUNT_COLUMNS = ["id", "userId", "type", "provider", "providerAccountId", "refresh_token", "access_token", "expires_at", "token_type", "scope", "id_token", "session_state"];

export const FLOOR_SQL = {
  createUser: `/* authdb:insert User */ INSERT INTO "users" ("id", "name", "email", "email_verified", "image") VALUES ($1, $2, $3, $4, $5) RETURNING ${USER}`,
  getUser: `/* authdb:select User */ SELECT ${USER} FROM "users" WHERE "id" = $1`,
  getUserByEmail: `/* authdb:select User */ SELECT ${USER} FROM "users" WHERE "email" = $1`,
  getUserByAccount:
    `/* authdb:getUserByAccount */ SELECT "users"."id" AS "id", "users"."name" AS "name", "users"."email" AS "email", "users"."email_verified" AS "emailVerified", "users"."image" AS "image" ` +
    `FROM "users" INNER JOIN "accounts" ON "accounts"."user_id" = "users"."id" WHERE "accounts"."provider" = $1 AND "accounts"."provider_account_id" = $2`,
  linkAccount:
    `/* authdb:insert Account */ INSERT INTO "accounts" ("id", "user_id", "type", "provider", "provider_account_id", "refresh_token", "access_token", "expires_at", "token_type", "scope", "id_token", "session_state") ` +
    `VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING "id" AS "id", "user_id" AS "userId", "type" AS "type", "provider" AS "provider", "provider_account_id" AS "providerAccountId", ` +
    `"refresh_token" AS "refresh_token", "access_token" AS "access_token", "expires_at" AS "expires_at", "token_type" AS "token_type", "scope" AS "scope", "id_token" AS "id_token", "session_state" AS "session_state"`,
  createSession: `/* authdb:insert Session */ INSERT INTO "sessions" ("id", "session_token", "user_id", "expires") VALUES ($1, $2, $3, $4) RETURNING ${SESSION}`,
  getSessionAndUser:
    `/* authdb:getSessionAndUser */ SELECT "sessions"."id" AS "session.id", "sessions"."session_token" AS "session.sessionToken", "sessions"."user_id" AS "session.userId", "sessions"."expires" AS "session.expires", ` +
    `"users"."id" AS "user.id", "users"."name" AS "user.name", "users"."email" AS "user.email", "users"."email_verified" AS "user.emailVerified", "users"."image" AS "user.image" ` +
    `FROM "sessions" INNER JOIN "users" ON "sessions"."user_id" = "users"."id" WHERE "sessions"."session_token" = $1`,
  deleteSession: `/* authdb:delete Session */ DELETE FROM "sessions" WHERE "session_token" = $1 RETURNING ${SESSION}`,
  createVerificationToken: `/* authdb:insert VerificationToken */ INSERT INTO "verification_tokens" ("identifier", "token", "expires") VALUES ($1, $2, $3) RETURNING ${TOKEN}`,
  useVerificationToken: `/* authdb:delete VerificationToken */ DELETE FROM "verification_tokens" WHERE "identifier" = $1 AND "token" = $2 RETURNING ${TOKEN}`,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Auth.js passes a UUID as id; like authdb, keep it (lower-cased) or make one. */
const uuidOr = (value) => (typeof value === "string" && UUID.test(value) ? value.toLowerCase() : randomUUID());
/** authdb binds timestamps as ISO strings; so does the floor (same bind values, same server-side parse). */
const timestamp = (value) => (value == null ? null : new Date(value).toISOString());
const orNull = (value) => value ?? null;

/**
 * An Auth.js adapter (the calls the bench makes) on `pool`: anything with pg's `query(config)`.
 * `prepared: true` names each statement, so pg parses and plans it once per connection.
 */
export function FloorAdapter(pool, { prepared = false } = {}) {
  const query = prepared
    ? (name, values) => pool.query({ name: `floor_${name}`, text: FLOOR_SQL[name], values })
    : (name, values) => pool.query(FLOOR_SQL[name], values);
  const first = async (name, values) => (await query(name, values)).rows[0] ?? null;

  return {
    createUser: (user) => first("createUser", [uuidOr(user.id), orNull(user.name), orNull(user.email), timestamp(user.emailVerified), orNull(user.image)]),
    // Rows come back with the Auth.js field names (the SELECT aliases them) and pg parses timestamptz to Date.
    getUser: async (id) => (UUID.test(id) ? first("getUser", [id]) : null),
    getUserByEmail: (email) => first("getUserByEmail", [email]),
    getUserByAccount: ({ provider, providerAccountId }) => first("getUserByAccount", [provider, providerAccountId]),
    async linkAccount(account) {
      const values = ACCOUNT_COLUMNS.map((c) => orNull(account[c]));
      values[0] = uuidOr(account.id);
      const row = await first("linkAccount", values);
      // BIGINT comes back from pg as a string; Auth.js wants a number.
      if (row.expires_at !== null) row.expires_at = Number(row.expires_at);
      return row;
    },
    createSession: ({ sessionToken, userId, expires }) => first("createSession", [randomUUID(), sessionToken, userId, timestamp(expires)]),
    async getSessionAndUser(sessionToken) {
      const row = await first("getSessionAndUser", [sessionToken]);
      if (!row) return null;
      return {
        session: { id: row["session.id"], sessionToken: row["session.sessionToken"], userId: row["session.userId"], expires: row["session.expires"] },
        user: { id: row["user.id"], name: row["user.name"], email: row["user.email"], emailVerified: row["user.emailVerified"], image: row["user.image"] },
      };
    },
    deleteSession: (sessionToken) => first("deleteSession", [sessionToken]),
    createVerificationToken: ({ identifier, token, expires }) => first("createVerificationToken", [identifier, token, timestamp(expires)]),
    useVerificationToken: ({ identifier, token }) => first("useVerificationToken", [identifier, token]),
  };
}
