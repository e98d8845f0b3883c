// Keeps the floor honest at every run: the same calls, with the same arguments, on authdb (its query log
// on) and on the floor (its statements traced) must send the same SQL text and return equal objects.
// authdb's statements may change (its query path is being reworked); a difference is reported, not hidden.
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual, inspect } from "node:util";
import pg from "pg";
import { Sequelize } from "sequelize";
import { SequelizeAdapter } from "../../dist/index.mjs";
import { FloorAdapter } from "./floor.mjs";
import { account } from "./workloads.mjs";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids each side generates on its own (a session's, an account's) cannot match; everything else must. */
function withoutGeneratedIds(value, keep) {
  if (Array.isArray(value)) return value.map((v) => withoutGeneratedIds(v, keep));
  if (!value || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === "id" && UUID.test(String(v)) && v !== keep ? "<generated>" : withoutGeneratedIds(v, keep)]),
  );
}

/** The calls the workloads make, in an order that leaves nothing behind but one user, its account. */
function script() {
  const id = randomUUID();
  const email = `floor-check-${id}@example.com`;
  const sessionToken = randomUUID();
  const token = randomUUID();
  const expires = new Date(Date.now() + 3_600_000);
  return {
    userId: id,
    calls: [
      ["createUser", (a) => a.createUser({ id, name: "Floor Check", email, emailVerified: new Date("2026-01-02T03:04:05.678Z"), image: null })],
      ["linkAccount", (a) => a.linkAccount(account(id, `check-${id}`, "gho_check"))],
      ["createSession", (a) => a.createSession({ sessionToken, userId: id, expires })],
      ["getSessionAndUser", (a) => a.getSessionAndUser(sessionToken)],
      ["getUserByAccount", (a) => a.getUserByAccount({ provider: "github", providerAccountId: `check-${id}` })],
      ["getUserByEmail", (a) => a.getUserByEmail(email)],
      ["getUser", (a) => a.getUser(id)],
      ["deleteSession", (a) => a.deleteSession(sessionToken)],
      ["createVerificationToken", (a) => a.createVerificationToken({ identifier: email, token, expires })],
      ["useVerificationToken", (a) => a.useVerificationToken({ identifier: email, token })],
    ],
  };
}

/**
 * Returns `differences` (empty when the floor matches authdb), one line each, and `authdbPrepares`: whether
 * authdb's calls left named prepared statements on its connection (then the floor should name its own too).
 */
export async function checkFloor({ floorUrl, authdbUrl }) {
  const authdbLog = [];
  const sequelize = new Sequelize(authdbUrl, {
    pool: { max: 1 },
    logging: (line) => authdbLog.push(String(line).replace(/^Executing \([^)]*\): /, "")),
  });
  const pool = new pg.Pool({ connectionString: floorUrl, max: 1 });
  pool.on("error", () => {}); // a session ended by an interrupted run's DROP … WITH (FORCE)
  const floorLog = [];
  const traced = { query: (config, values) => (floorLog.push(typeof config === "string" ? config : config.text), pool.query(config, values)) };
  const differences = [];
  try {
    const authdb = SequelizeAdapter(sequelize);
    const floor = FloorAdapter(traced);
    await authdb.getUser(randomUUID()); // its first call checks the schema; those queries are not the hot path
    const { userId, calls } = script();
    for (const [method, call] of calls) {
      authdbLog.length = 0;
      floorLog.length = 0;
      const expected = withoutGeneratedIds(await call(authdb), userId);
      const actual = withoutGeneratedIds(await call(floor), userId);
      if (!isDeepStrictEqual(floorLog, authdbLog)) {
        differences.push(`${method}: authdb sent ${inspect(authdbLog, { breakLength: Infinity })}, the floor ${inspect(floorLog, { breakLength: Infinity })}`);
      }
      if (!isDeepStrictEqual(actual, expected)) {
        differences.push(`${method}: authdb returned ${inspect(expected, { breakLength: Infinity })}, the floor ${inspect(actual, { breakLength: Infinity })}`);
      }
    }
    // The pool has one connection: the one authdb's calls just used.
    const prepared = await sequelize.query("SELECT name FROM pg_prepared_statements", { type: "SELECT", raw: true });
    return { differences, authdbPrepares: prepared.length > 0 };
  } finally {
    await sequelize.close();
    await pool.end();
  }
}
