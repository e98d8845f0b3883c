/**
 * Issue 8 item 3: prune(sequelize, config) deletes expired sessions and verification tokens in bounded
 * batches, on real PostgreSQL and SQLite databases created by migrate(). Rows are written through the
 * adapter (so dates are stored as the app stores them) and checked with raw SQL.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { QueryTypes, Sequelize } from "sequelize";
import { SequelizeAdapter, migrate, prune, SchemaNotMigratedError, AuthdbError, ExitCode, type AuthdbConfig, type PruneEvent } from "../../src";
import { createSequelize } from "../../src/database";
import { createMariaDatabase, createPostgresDatabase, createSqliteDatabase, pgQuery, type TestDatabase } from "../helpers/databases";

const HOUR = 3_600_000;
/** A fixed cutoff, so "expired" and "live" do not depend on how long the test takes. */
const NOW = new Date("2030-06-15T12:00:00.000Z");

interface Fixture {
  database: TestDatabase;
  sequelize: Sequelize;
}

const DATABASES: Array<{ label: string; create: () => Promise<TestDatabase> | TestDatabase }> = [
  { label: "PostgreSQL", create: () => createPostgresDatabase("prune") },
  { label: "SQLite", create: () => createSqliteDatabase("prune") },
  { label: "MariaDB", create: () => createMariaDatabase("prune") },
];

async function open(create: () => Promise<TestDatabase> | TestDatabase, config: AuthdbConfig = {}): Promise<Fixture> {
  const database = await create();
  const sequelize = createSequelize(database.url);
  await migrate(sequelize, config);
  return { database, sequelize };
}

async function close(fixture: Fixture | undefined): Promise<void> {
  await fixture?.sequelize.close();
  await fixture?.database.drop();
}

/** Session tokens and verification tokens in the table, read with raw SQL (not through authdb). */
async function tokens(sequelize: Sequelize, table: string, column: string): Promise<string[]> {
  const rows = await sequelize.query<{ value: string }>(`SELECT ${column} AS value FROM ${table}`, { type: QueryTypes.SELECT, raw: true });
  return rows.map((r) => r.value).sort();
}

/** Writes `expired` and `live` sessions and tokens through the adapter; returns the live ones' tokens. */
async function seed(sequelize: Sequelize, config: AuthdbConfig, counts: { expired: number; live: number }): Promise<{ liveSessions: string[]; liveTokens: string[] }> {
  const adapter = SequelizeAdapter(sequelize, config);
  const user = await adapter.createUser({ id: randomUUID(), email: `${randomUUID()}@example.com`, emailVerified: null });
  const liveSessions: string[] = [];
  const liveTokens: string[] = [];
  for (let i = 0; i < counts.expired; i++) {
    // Spread over the past, one of them a millisecond before the cutoff.
    const expires = new Date(NOW.getTime() - (i === 0 ? 1 : i * HOUR));
    await adapter.createSession({ sessionToken: `expired-session-${i}`, userId: user.id, expires });
    await adapter.createVerificationToken({ identifier: `expired-${i}@example.com`, token: `expired-token-${i}`, expires });
  }
  for (let i = 0; i < counts.live; i++) {
    // The first live row expires exactly at the cutoff: `expires < now` keeps it.
    const expires = new Date(NOW.getTime() + i * HOUR);
    liveSessions.push(`live-session-${i}`);
    liveTokens.push(`live-token-${i}`);
    await adapter.createSession({ sessionToken: `live-session-${i}`, userId: user.id, expires });
    await adapter.createVerificationToken({ identifier: `live-${i}@example.com`, token: `live-token-${i}`, expires });
  }
  return { liveSessions: liveSessions.sort(), liveTokens: liveTokens.sort() };
}

describe.each(DATABASES)("prune on $label", ({ create }) => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await close(fixture);
    fixture = undefined;
  });

  test("removes every expired row in several batches of batchSize and leaves the live ones (even one expiring at the cutoff)", async () => {
    fixture = await open(create);
    const { sequelize } = fixture;
    const { liveSessions, liveTokens } = await seed(sequelize, {}, { expired: 23, live: 6 });
    const events: PruneEvent[] = [];

    const result = await prune(sequelize, {}, { batchSize: 5, now: NOW, onEvent: (e) => events.push(e) });

    expect(result.dryRun).toBe(false);
    expect(result.tables.Session).toMatchObject({ model: "Session", table: "sessions", rows: 23, batches: 5 });
    expect(result.tables.VerificationToken).toMatchObject({ model: "VerificationToken", table: "verification_tokens", rows: 23, batches: 5 });
    expect(result).toMatchObject({ rows: 46, batches: 10, batchSize: 5, now: NOW });
    expect(result.durationMs).toBeGreaterThan(0);

    const sessionBatches = events.filter((e) => e.type === "batch" && e.model === "Session");
    expect(sessionBatches.map((e) => (e.type === "batch" ? e.rows : 0))).toEqual([5, 5, 5, 5, 3]);
    expect(events.filter((e) => e.type === "table").map((e) => e.model)).toEqual(["Session", "VerificationToken"]);
    // No COUNT unless asked for: a scheduled prune with a logger pays only for its DELETEs.
    expect(events.some((e) => e.type === "pruning")).toBe(false);

    expect(await tokens(sequelize, "sessions", "session_token")).toEqual(liveSessions);
    expect(await tokens(sequelize, "verification_tokens", "token")).toEqual(liveTokens);
    // The live rows are still usable through the adapter.
    const adapter = SequelizeAdapter(sequelize);
    expect(await adapter.getSessionAndUser("live-session-0")).not.toBeNull();
    expect(await adapter.useVerificationToken({ identifier: "live-0@example.com", token: "live-token-0" })).not.toBeNull();

    // Nothing is left to do: a second run removes nothing and reports no batch.
    const again = await prune(sequelize, {}, { batchSize: 5, now: NOW });
    expect(again).toMatchObject({ rows: 0, batches: 0 });
  });

  test("countFirst reports the expired rows per table before the first batch", async () => {
    fixture = await open(create);
    await seed(fixture.sequelize, {}, { expired: 7, live: 2 });
    const events: PruneEvent[] = [];
    await prune(fixture.sequelize, {}, { batchSize: 5, now: NOW, countFirst: true, onEvent: (e) => events.push(e) });
    expect(events[0]).toEqual({ type: "pruning", tables: { Session: 7, VerificationToken: 7 }, rows: 14 });
    expect(events.filter((e) => e.type === "pruning")).toHaveLength(1);
  });

  test("an exact multiple of batchSize takes exactly that many batches", async () => {
    fixture = await open(create);
    await seed(fixture.sequelize, {}, { expired: 10, live: 1 });
    const result = await prune(fixture.sequelize, {}, { batchSize: 5, now: NOW });
    expect(result.tables.Session).toMatchObject({ rows: 10, batches: 2 });
    expect(result.tables.VerificationToken).toMatchObject({ rows: 10, batches: 2 });
  });

  test("dryRun counts the expired rows and the batches it would take, and deletes nothing", async () => {
    fixture = await open(create);
    const { sequelize } = fixture;
    await seed(sequelize, {}, { expired: 12, live: 4 });
    const events: PruneEvent[] = [];

    const result = await prune(sequelize, {}, { batchSize: 5, now: NOW, dryRun: true, onEvent: (e) => events.push(e) });

    expect(result).toMatchObject({ dryRun: true, rows: 24, batches: 6 });
    expect(result.tables.Session).toMatchObject({ rows: 12, batches: 3 });
    expect(events.map((e) => e.type)).toEqual(["table", "table"]);
    expect(await tokens(sequelize, "sessions", "session_token")).toHaveLength(16);
    expect(await tokens(sequelize, "verification_tokens", "token")).toHaveLength(16);
  });

  test("custom table names from config.tables", async () => {
    const config: AuthdbConfig = { tables: { Session: "auth_sessions", VerificationToken: "auth_tokens", User: "people" } };
    fixture = await open(create, config);
    const { liveSessions, liveTokens } = await seed(fixture.sequelize, config, { expired: 7, live: 2 });

    const result = await prune(fixture.sequelize, config, { batchSize: 3, now: NOW });

    expect(result.tables.Session).toMatchObject({ table: "auth_sessions", rows: 7, batches: 3 });
    expect(result.tables.VerificationToken).toMatchObject({ table: "auth_tokens", rows: 7, batches: 3 });
    expect(await tokens(fixture.sequelize, "auth_sessions", "session_token")).toEqual(liveSessions);
    expect(await tokens(fixture.sequelize, "auth_tokens", "token")).toEqual(liveTokens);
  });

  test("a database that is not migrated: SchemaNotMigratedError (exit 4) naming the table, and nothing is created", async () => {
    const database = await create();
    const sequelize = createSequelize(database.url);
    fixture = { database, sequelize };
    const attempt = prune(sequelize);
    await expect(attempt).rejects.toBeInstanceOf(SchemaNotMigratedError);
    await expect(attempt).rejects.toMatchObject({ exitCode: ExitCode.pending, message: expect.stringMatching(/table "sessions" \(Session\) is missing.*authdb migrate/) });
    expect(await sequelize.getQueryInterface().showAllTables()).toEqual([]);
  });
});

describe("prune options are checked before any SQL", () => {
  // No database: a bad option must fail before prune connects.
  const sequelize = createSequelize("sqlite::memory:");
  afterAll(() => sequelize.close());

  test.each([
    ["batchSize 0", { batchSize: 0 }, /batchSize must be a whole number of at least 1 \(got 0\)/],
    ["batchSize 2.5", { batchSize: 2.5 }, /batchSize must be a whole number of at least 1 \(got 2\.5\)/],
    ['batchSize "100"', { batchSize: "100" }, /batchSize must be a whole number of at least 1 \(got "100"\)/],
    ["batchSize NaN", { batchSize: Number.NaN }, /got NaN/],
    ["batchSize -5", { batchSize: -5 }, /got -5/],
    ['dryRun "yes"', { dryRun: "yes" }, /dryRun must be true or false/],
    ["an invalid Date as now", { now: new Date("nope") }, /now must be a valid Date \(got an invalid Date\)/],
    ["a string as now", { now: "2030-01-01" }, /now must be a valid Date/],
    ["the typo batch_size", { batch_size: 100 }, /unknown option "batch_size"/],
  ])("%s is refused with a hint (exit 2)", async (_label, options, message) => {
    const attempt = prune(sequelize, {}, options as never);
    await expect(attempt).rejects.toBeInstanceOf(AuthdbError);
    await expect(attempt).rejects.toMatchObject({ exitCode: ExitCode.invalidInput, message: expect.stringMatching(message), hint: expect.any(String) });
  });

  test("a config that is not valid is refused like everywhere else", async () => {
    await expect(prune(sequelize, { tables: { Session: "bad name" } } as AuthdbConfig)).rejects.toMatchObject({ exitCode: ExitCode.invalidInput, message: expect.stringContaining("tables.Session") });
  });
});

describe("prune on PostgreSQL with a non-public schema", () => {
  let fixture: Fixture | undefined;
  afterAll(() => close(fixture));

  test("prunes the tables in the configured schema and never touches a same-named table in public", async () => {
    const config: AuthdbConfig = { schema: "next_auth" };
    fixture = await open(() => createPostgresDatabase("prune_schema"), config);
    const { database, sequelize } = fixture;
    const { liveSessions } = await seed(sequelize, config, { expired: 9, live: 3 });
    // A decoy: public.sessions with an expired row. Unqualified SQL on a default search_path would hit it.
    await pgQuery(database.url, `CREATE TABLE public.sessions (id uuid PRIMARY KEY, session_token text, expires timestamptz NOT NULL)`);
    await pgQuery(database.url, `INSERT INTO public.sessions VALUES ($1, 'decoy', $2)`, [randomUUID(), new Date(NOW.getTime() - 10 * HOUR)]);

    const result = await prune(sequelize, config, { batchSize: 4, now: NOW });

    expect(result.tables.Session).toMatchObject({ rows: 9, batches: 3 });
    const left = await pgQuery<{ session_token: string }>(database.url, `SELECT session_token FROM next_auth.sessions ORDER BY session_token`);
    expect(left.map((r) => r.session_token)).toEqual(liveSessions);
    expect(await pgQuery(database.url, `SELECT session_token FROM public.sessions`)).toEqual([{ session_token: "decoy" }]);
    expect(await pgQuery(database.url, `SELECT count(*)::int AS n FROM next_auth.verification_tokens`)).toEqual([{ n: 3 }]);
  });
});

describe("prune on a partitioned PostgreSQL sessions table", () => {
  let fixture: Fixture | undefined;
  afterAll(() => close(fixture));

  test("deletes by primary key, never by row address (each partition numbers its rows from (0,1))", async () => {
    fixture = await open(() => createPostgresDatabase("prune_partitioned"));
    const { database, sequelize } = fixture;
    await pgQuery(database.url, "ALTER TABLE sessions RENAME TO sessions_plain");
    await pgQuery(database.url, "CREATE TABLE sessions (LIKE sessions_plain INCLUDING DEFAULTS) PARTITION BY RANGE (expires)");
    await pgQuery(database.url, "CREATE TABLE sessions_past PARTITION OF sessions FOR VALUES FROM (MINVALUE) TO ('2030-06-15T12:00:00Z')");
    await pgQuery(database.url, "CREATE TABLE sessions_future PARTITION OF sessions FOR VALUES FROM ('2030-06-15T12:00:00Z') TO (MAXVALUE)");
    const { liveSessions } = await seed(sequelize, {}, { expired: 3, live: 3 });
    // The premise: an expired and a live row share an address, so a delete by ctid would take both.
    const addresses = await pgQuery<{ ctid: string; n: number }>(database.url, "SELECT ctid::text, count(*)::int AS n FROM sessions GROUP BY ctid HAVING count(*) > 1");
    expect(addresses.length).toBeGreaterThan(0);

    const result = await prune(sequelize, {}, { batchSize: 2, now: NOW });

    expect(result.tables.Session).toMatchObject({ rows: 3, batches: 2 });
    expect(await tokens(sequelize, "sessions", "session_token")).toEqual(liveSessions);
  });
});

describe("prune on PostgreSQL while sign-ins go on", () => {
  let fixture: Fixture | undefined;
  afterAll(() => close(fixture));

  const EXPIRED = 20_000;

  test("adapter calls in a loop all succeed during a prune of many batches; live sessions stay, expired all go", async () => {
    fixture = await open(() => createPostgresDatabase("prune_concurrent"));
    const { database, sequelize } = fixture;
    const adapter = SequelizeAdapter(sequelize);
    const user = await adapter.createUser({ id: randomUUID(), email: "busy@example.com", emailVerified: null });
    const now = new Date();
    // Many expired rows, written in bulk (the adapter path is covered above).
    await pgQuery(
      database.url,
      `INSERT INTO sessions (id, session_token, user_id, expires)
         SELECT gen_random_uuid(), 'expired-' || g, $1, $2::timestamptz - g * interval '1 second' FROM generate_series(1, ${EXPIRED}) g`,
      [user.id, now],
    );
    await pgQuery(
      database.url,
      `INSERT INTO verification_tokens (identifier, token, expires)
         SELECT 'expired-' || g || '@example.com', 'expired-' || g, $1::timestamptz - g * interval '1 second' FROM generate_series(1, ${EXPIRED}) g`,
      [now],
    );

    const live = new Date(now.getTime() + 30 * 24 * HOUR);
    const created: string[] = [];
    let calls = 0;
    let pruning = true;
    /** A sign-in, a session read, an update and a magic-link use per round, until prune is done. */
    const signIns = (async () => {
      let round = 0;
      while (pruning || round < 3) {
        const sessionToken = `live-${round}`;
        await adapter.createSession({ sessionToken, userId: user.id, expires: live });
        created.push(sessionToken);
        const found = await adapter.getSessionAndUser(sessionToken);
        expect(found?.user.id).toBe(user.id);
        expect(await adapter.updateSession({ sessionToken, expires: new Date(live.getTime() + 1000) })).not.toBeNull();
        await adapter.createVerificationToken({ identifier: `live-${round}@example.com`, token: `live-token-${round}`, expires: live });
        expect(await adapter.useVerificationToken({ identifier: `live-${round}@example.com`, token: `live-token-${round}` })).not.toBeNull();
        calls += 5;
        round += 1;
      }
    })();

    let result;
    let callsWhilePruning = 0;
    try {
      result = await prune(sequelize, {}, { batchSize: 500, now });
    } finally {
      callsWhilePruning = calls;
      pruning = false;
    }
    await signIns;

    expect(result.tables.Session).toMatchObject({ rows: EXPIRED, batches: EXPIRED / 500 });
    expect(result.tables.VerificationToken).toMatchObject({ rows: EXPIRED, batches: EXPIRED / 500 });
    // The sign-ins really ran beside the prune (its 80 batches), not only after it.
    expect(callsWhilePruning).toBeGreaterThan(0);
    const left = await pgQuery<{ session_token: string }>(database.url, `SELECT session_token FROM sessions ORDER BY session_token`);
    expect(left.map((r) => r.session_token).sort()).toEqual([...created].sort());
    expect(await pgQuery(database.url, `SELECT count(*)::int AS n FROM verification_tokens`)).toEqual([{ n: 0 }]);
  });

  test("a row a transaction holds is skipped, not waited for; the next run removes it", async () => {
    const { database, sequelize } = fixture!;
    const adapter = SequelizeAdapter(sequelize);
    const user = await adapter.createUser({ id: randomUUID(), email: "held@example.com", emailVerified: null });
    const expired = new Date(Date.now() - HOUR);
    for (let i = 0; i < 5; i++) await adapter.createSession({ sessionToken: `held-${i}`, userId: user.id, expires: expired });

    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM sessions WHERE session_token = 'held-2' FOR UPDATE");
      // Without SKIP LOCKED this prune would wait for the holder; the holder never commits before it returns.
      const first = await prune(sequelize, {}, { batchSize: 2 });
      expect(first.tables.Session.rows).toBe(4);
      await holder.query("COMMIT");
    } finally {
      await holder.end();
    }
    expect(await pgQuery(database.url, `SELECT session_token FROM sessions WHERE session_token LIKE 'held-%'`)).toEqual([{ session_token: "held-2" }]);
    const second = await prune(sequelize);
    expect(second.tables.Session.rows).toBe(1);
  });
});

describe("prune inside an application transaction with Sequelize's CLS on (PostgreSQL)", () => {
  let fixture: Fixture | undefined;
  const holder = Sequelize as unknown as { _cls?: unknown };
  afterAll(async () => {
    holder._cls = undefined;
    await close(fixture);
  });

  test("each batch commits on its own: the rows are gone for other connections before the app's transaction ends", async () => {
    fixture = await open(() => createPostgresDatabase("prune_cls"));
    const { database, sequelize } = fixture;
    await seed(sequelize, {}, { expired: 4, live: 1 });
    // The get/set/run/bind surface Sequelize's CLS calls, on AsyncLocalStorage (as cls-hooked would give).
    const store = new AsyncLocalStorage<Map<string, unknown>>();
    Sequelize.useCLS({
      get: (key: string) => store.getStore()?.get(key),
      set: (key: string, value: unknown) => store.getStore()?.set(key, value),
      run: (fn: (context: Map<string, unknown>) => unknown) => {
        const context = new Map(store.getStore());
        store.run(context, () => fn(context));
        return context;
      },
      bind: <F>(fn: F) => fn,
    } as never);

    let seenFromOutside: unknown[] = [];
    await sequelize.transaction(async () => {
      const result = await prune(sequelize, {}, { batchSize: 3, now: NOW });
      expect(result.tables.Session.rows).toBe(4);
      // Still inside the app's transaction: had the deletes joined it, another connection would see 4 rows.
      seenFromOutside = await pgQuery(database.url, "SELECT session_token FROM sessions WHERE session_token LIKE 'expired-%'");
    });
    expect(seenFromOutside).toEqual([]);
  });
});
