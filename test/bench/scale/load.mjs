// Loads users server-side with INSERT … SELECT FROM generate_series: no rows cross the wire and no
// dependency, so a million users take minutes. Every value derives from the user's number i, so the
// bench can compute any user's keys without reading them back:
//   user id        md5('user' || i)::uuid            (random-looking, like the UUIDs Auth.js creates)
//   email          'user' || i || '@example.com'
//   account        provider 'github', provider_account_id 'gh-' || i
//   session token  md5('session' || i)
// Every 10th user also has a WebAuthn authenticator and a pending verification token, so those tables
// have rows too: on an empty table the planner rightly prefers a sequential scan, which would say
// nothing about a production database.
// Table and column names are those of the default config (migrations/20261123000000-authdb-initial.js).
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";

const BATCH = 100_000;
const EVERY_TENTH = "WHERE i % 10 = 0";

const LOAD_BATCH = [
  `INSERT INTO users (id, name, email, email_verified, image)
   SELECT md5('user' || i)::uuid, 'User ' || i, 'user' || i || '@example.com', now(), 'https://example.com/avatar/' || i || '.png'
   FROM generate_series($1::int, $2::int) AS i`,
  // A 160-character access token: the size of a real OAuth token, so the table's pages are realistic.
  `INSERT INTO accounts (id, user_id, type, provider, provider_account_id, access_token, expires_at, token_type, scope)
   SELECT gen_random_uuid(), md5('user' || i)::uuid, 'oauth', 'github', 'gh-' || i, repeat(md5('token' || i), 5),
          2000000000, 'bearer', 'read:user user:email'
   FROM generate_series($1::int, $2::int) AS i`,
  `INSERT INTO sessions (id, session_token, user_id, expires)
   SELECT gen_random_uuid(), md5('session' || i), md5('user' || i)::uuid, now() + interval '30 days'
   FROM generate_series($1::int, $2::int) AS i`,
  `INSERT INTO authenticators (user_id, credential_id, provider_account_id, credential_public_key, counter,
                               credential_device_type, credential_backed_up, transports)
   SELECT md5('user' || i)::uuid, 'cred-' || i, 'cred-' || i, repeat(md5('key' || i), 4), 0, 'singleDevice', false, 'internal'
   FROM generate_series($1::int, $2::int) AS i ${EVERY_TENTH}`,
  `INSERT INTO verification_tokens (identifier, token, expires)
   SELECT 'user' || i || '@example.com', md5('verify' || i), now() + interval '1 day'
   FROM generate_series($1::int, $2::int) AS i ${EVERY_TENTH}`,
];

/** The keys of user number i, as LOAD_BATCH wrote them. */
export function userKeys(i) {
  return {
    sessionToken: createHash("md5").update(`session${i}`).digest("hex"),
    provider: "github",
    providerAccountId: `gh-${i}`,
  };
}

/**
 * Adds users from+1 … to (each with an account and a session), then VACUUM ANALYZE: fresh statistics for
 * the planner, and a visibility map and hint bits set now rather than during the timed reads.
 * Returns the seconds the inserts and the vacuum took.
 */
export async function loadUsers(client, from, to) {
  const started = performance.now();
  for (let first = from + 1; first <= to; first += BATCH) {
    const last = Math.min(first + BATCH - 1, to);
    for (const sql of LOAD_BATCH) await client.query(sql, [first, last]);
    if (process.stdout.isTTY) process.stdout.write(`\r  ${last.toLocaleString("en")} / ${to.toLocaleString("en")} users`);
  }
  if (process.stdout.isTTY) process.stdout.write("\r\x1b[K");
  const inserted = performance.now();
  await client.query("VACUUM ANALYZE");
  await client.query("CHECKPOINT");
  return { insertSeconds: (inserted - started) / 1000, vacuumSeconds: (performance.now() - inserted) / 1000 };
}

export async function rowCounts(client) {
  const tables = ["users", "accounts", "sessions", "authenticators", "verification_tokens"];
  const { rows } = await client.query(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(", ")}`);
  return rows[0];
}

/** Heap plus index size of the five tables, in MB. */
export async function tableSizes(client) {
  const { rows } = await client.query(
    `SELECT relname AS table, round(pg_total_relation_size(oid) / 1048576.0) AS mb FROM pg_class
     WHERE relname IN ('users', 'accounts', 'sessions', 'authenticators', 'verification_tokens') AND relkind = 'r' ORDER BY relname`,
  );
  return Object.fromEntries(rows.map((r) => [r.table, Number(r.mb)]));
}
