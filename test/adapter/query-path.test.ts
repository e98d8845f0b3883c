/**
 * The adapter's driver path (src/adapter/query/): statements run on a connection from the Sequelize
 * instance's own pool, without sequelize.query. These tests pin what that path must keep from Sequelize:
 * the pool's limits (every connection goes back, errors included), the user's logging, hooks, read
 * replicas, Sequelize's error classes, and recovery from a killed connection or a changed column type.
 */
import { randomUUID } from "node:crypto";
import { QueryTypes, Sequelize, TimeoutError, UniqueConstraintError as SequelizeUniqueConstraintError, type Options } from "sequelize";
import { migrate } from "../../src/migrator/migrate";
import { SequelizeAdapter, UniqueConstraintError, type AuthdbAdapter } from "../../src/adapter";
import { createPostgresDatabase, createSqliteDatabase, pgQuery, type TestDatabase } from "../helpers/databases";

const CONFIG = { extend: { User: { phoneNumber: { type: "STRING" as const, length: 40 } } } };

const targets: Array<[string, () => Promise<TestDatabase> | TestDatabase]> = [
  ["PostgreSQL", () => createPostgresDatabase("adapter_query_path")],
  ["SQLite file", () => createSqliteDatabase("adapter-query-path")],
];

const sequelizeLogsArray = (line: string) => line.includes('"users" WHERE "id" = $1');

const newUser = (email = `${randomUUID()}@example.com`) => ({ id: randomUUID(), email, emailVerified: null, name: "Query Path" });

/**
 * A database migrated with CONFIG for one describe block, dropped after it with every instance opened on it.
 * `connect` opens an instance with a pool of one and a short `acquire`, so that a leaked connection fails fast.
 */
function useMigratedDatabase(create: () => Promise<TestDatabase> | TestDatabase, beforeDrop?: (database: TestDatabase) => Promise<unknown>) {
  let database: TestDatabase;
  const open: Sequelize[] = [];
  beforeAll(async () => {
    database = await create();
    const setup = new Sequelize(database.url, { logging: false });
    await migrate(setup, CONFIG);
    await setup.close();
  });
  afterAll(async () => {
    for (const sequelize of open) await sequelize.close().catch(() => undefined);
    await beforeDrop?.(database).catch(() => undefined);
    await database.drop();
  });
  const track = (sequelize: Sequelize) => (open.push(sequelize), sequelize);
  return {
    url: () => database.url,
    track,
    connect: (options: Options = {}) => track(new Sequelize(database.url, { logging: false, ...options, pool: { max: 1, acquire: 3_000, ...options.pool } })),
  };
}

describe.each(targets)("the adapter's driver path (%s)", (_label, create) => {
  const { connect } = useMigratedDatabase(create);

  test("a pool of one connection survives 1,000 calls of which a third fail, and serves the next call", async () => {
    const adapter = SequelizeAdapter(connect(), CONFIG);
    const taken = await adapter.createUser(newUser("taken@example.com"));
    let failures = 0;
    for (let i = 0; i < 1_000; i++) {
      if (i % 3 === 0) {
        // A duplicate key (write path), a value the column refuses before any query, and a lookup.
        await adapter.createUser(newUser("taken@example.com")).catch((error) => {
          expect(error).toBeInstanceOf(UniqueConstraintError);
          failures++;
        });
      } else if (i % 3 === 1) {
        expect((await adapter.getUser(taken.id))?.email).toBe("taken@example.com");
      } else {
        expect(await adapter.getSessionAndUser(randomUUID())).toBeNull();
      }
    }
    expect(failures).toBe(334);
    expect(await adapter.getUserByEmail("taken@example.com")).toMatchObject({ id: taken.id });
  });

  test("many concurrent callers on a pool of two all finish (the pool's limit queues them, nothing leaks)", async () => {
    const adapter = SequelizeAdapter(connect({ pool: { max: 2 } }), CONFIG);
    const user = await adapter.createUser(newUser());
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        i % 2 ? adapter.getUser(user.id) : adapter.createUser(newUser(user.email!)).then(() => "created", (e: unknown) => (e as Error).name),
      ),
    );
    expect(results.filter((r) => r === "UniqueConstraintError")).toHaveLength(100);
    expect(results.filter((r) => (r as { id?: string })?.id === user.id)).toHaveLength(100);
  });

  test("the user's logging function sees every statement, in Sequelize's format, with parameters when asked", async () => {
    const lines: string[] = [];
    const adapter = SequelizeAdapter(connect({ logging: (sql: string) => lines.push(sql), logQueryParameters: true }), CONFIG);
    const user = await adapter.createUser(newUser());
    lines.length = 0;
    await adapter.getUser(user.id);
    await adapter.getSessionAndUser("no-such-token");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Executing \(default\): \/\* authdb:select User \*\/ SELECT .* FROM .*users.* WHERE/);
    // As Sequelize logs them: an array on PostgreSQL, SQLite's named-parameter object.
    expect(lines[0]).toContain(sequelizeLogsArray(lines[0]!) ? `; "${user.id}"` : `; {"$1":"${user.id}"}`);
    expect(lines[1]).toMatch(/^Executing \(default\): \/\* authdb:getSessionAndUser \*\//);
  });

  test("with benchmark on, the logging function gets the elapsed time after the statement", async () => {
    const calls: unknown[][] = [];
    const adapter = SequelizeAdapter(connect({ logging: (...args: unknown[]) => calls.push(args), benchmark: true }), CONFIG);
    await adapter.getUserByEmail("nobody@example.com");
    expect(calls.at(-1)![0]).toMatch(/^Executed \(default\): \/\* authdb:select User \*\//);
    expect(typeof calls.at(-1)![1]).toBe("number");
  });

  test("the instance's query defaults apply: query: { logging: false } silences the adapter's statements too", async () => {
    const lines: string[] = [];
    const adapter = SequelizeAdapter(connect({ logging: (sql: string) => lines.push(sql), query: { logging: false } }), CONFIG);
    await adapter.getUserByEmail("nobody@example.com");
    await adapter.createUser(newUser());
    expect(lines).toEqual([]);
  });

  test("beforeQuery/afterQuery hooks see the adapter's statements (they run through sequelize.query)", async () => {
    const sequelize = connect();
    const seen: string[] = [];
    sequelize.addHook("afterQuery", (_options, query) => void seen.push((query as unknown as { sql: string }).sql));
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const user = await adapter.createUser(newUser());
    seen.length = 0;
    await adapter.getUser(user.id);
    expect(seen).toEqual([expect.stringContaining("/* authdb:select User */")]);
  });

  test("a constraint error keeps Sequelize's error class as its cause, as sequelize.query would throw it", async () => {
    const adapter: AuthdbAdapter = SequelizeAdapter(connect(), CONFIG);
    const user = await adapter.createUser(newUser());
    const error = await adapter.createUser(newUser(user.email!)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(SequelizeUniqueConstraintError);
  });
});

describe("the adapter's driver path (PostgreSQL only)", () => {
  const { connect, track, url } = useMigratedDatabase(
    () => createPostgresDatabase("adapter_query_path_pg"),
    (database) => pgQuery(database.url, "DROP ROLE IF EXISTS authdb_reader_qp"),
  );
  const preparedNames = async (sequelize: Sequelize) =>
    (await sequelize.query<{ name: string }>("SELECT name FROM pg_prepared_statements", { type: QueryTypes.SELECT })).map((r) => r.name);

  test("a statement that never got a connection (pool acquire timeout) is not logged, and the pool recovers", async () => {
    const lines: string[] = [];
    const sequelize = connect({ logging: (sql: string) => lines.push(sql), pool: { max: 1, acquire: 300 } });
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const user = await adapter.createUser(newUser());
    let release!: () => void;
    const held = sequelize.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    lines.length = 0;
    await expect(adapter.getUser(user.id)).rejects.toThrow(/acquire|timeout/i);
    expect(lines.filter((line) => line.includes("authdb:"))).toEqual([]);
    release();
    await held;
    expect(await adapter.getUser(user.id)).toMatchObject({ id: user.id });
  });

  test("statements are prepared once per connection by name; preparedStatements: false prepares none", async () => {
    const prepared = connect();
    const adapter = SequelizeAdapter(prepared, CONFIG);
    const user = await adapter.createUser(newUser());
    await adapter.getUser(user.id);
    await adapter.getUser(user.id);
    // A pool of one: this query runs on the connection the adapter used.
    expect((await preparedNames(prepared)).filter((name) => name.startsWith("authdb_")).length).toBeGreaterThanOrEqual(2);

    const plain = connect();
    const unprepared = SequelizeAdapter(plain, { ...CONFIG, preparedStatements: false });
    expect(await unprepared.getUser(user.id)).toEqual(await adapter.getUser(user.id));
    expect(await preparedNames(plain)).toEqual([]);
  });

  test("a migration that changes a selected column's type does not break a connection that prepared the old shape", async () => {
    const adapter = SequelizeAdapter(connect(), CONFIG);
    const user = await adapter.createUser({ ...newUser(), phoneNumber: "+1 555" } as never);
    expect(await adapter.getUser(user.id)).toMatchObject({ phoneNumber: "+1 555" });
    // What a deploy's `authdb migrate` does from another process while the app keeps running.
    await pgQuery(url(), 'ALTER TABLE users ALTER COLUMN phone_number TYPE varchar(80)');
    try {
      expect(await adapter.getUser(user.id)).toMatchObject({ phoneNumber: "+1 555" });
      expect(await adapter.getUserByEmail(user.email!)).toMatchObject({ id: user.id });
    } finally {
      await pgQuery(url(), 'ALTER TABLE users ALTER COLUMN phone_number TYPE varchar(40)');
    }
  });

  test("the app's DEALLOCATE ALL / DISCARD ALL on the pooled connection does not break the adapter's prepared statements", async () => {
    const sequelize = connect();
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const user = await adapter.createUser(newUser());
    expect(await adapter.getUser(user.id)).toMatchObject({ id: user.id });
    // A pool of one: the app's statement runs on the connection the adapter prepared on.
    await sequelize.query("DEALLOCATE ALL");
    expect(await adapter.getUser(user.id)).toMatchObject({ id: user.id });
    await sequelize.query("DISCARD ALL");
    expect(await adapter.getUser(user.id)).toMatchObject({ id: user.id });
  });

  test("a connection the server killed is replaced: the next call succeeds on a new one", async () => {
    const adapter = SequelizeAdapter(connect(), CONFIG);
    const user = await adapter.createUser(newUser());
    await pgQuery(url(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    // The killed connection either errors once (the server's message, no hang) or was already discarded.
    const first = await adapter.getUser(user.id).catch((error: Error) => error);
    if (first instanceof Error) expect(first.message).toMatch(/terminat|Connection|closed/i);
    expect(await adapter.getUser(user.id)).toMatchObject({ id: user.id });
  });

  test("with replication, reads go to the read pool and writes (RETURNING included) to the primary", async () => {
    // The "replica" is the same database as a role that may only SELECT: a write sent there would fail.
    await pgQuery(url(), "DROP ROLE IF EXISTS authdb_reader_qp");
    await pgQuery(url(), "CREATE ROLE authdb_reader_qp LOGIN");
    await pgQuery(url(), "GRANT SELECT ON ALL TABLES IN SCHEMA public TO authdb_reader_qp");
    const { hostname, port, pathname } = new URL(url());
    const database_ = pathname.slice(1);
    const sequelize = track(new Sequelize(database_, "postgres", "", {
      dialect: "postgres",
      logging: false,
      replication: {
        read: [{ host: hostname, port: Number(port), username: "authdb_reader_qp", database: database_ }],
        write: { host: hostname, port: Number(port), username: "postgres", database: database_ },
      },
      pool: { max: 2, acquire: 3_000 },
    }));
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const user = await adapter.createUser(newUser());
    const sessionToken = randomUUID();
    await adapter.createSession({ sessionToken, userId: user.id, expires: new Date(Date.now() + 60_000) });
    expect(await adapter.getSessionAndUser(sessionToken)).toMatchObject({ user: { id: user.id } });
    expect(await adapter.updateUser({ id: user.id, name: "Primary" })).toMatchObject({ name: "Primary" });
    expect(await adapter.deleteSession(sessionToken)).toMatchObject({ sessionToken });
    const readers = await pgQuery<{ n: string }>(url(), "SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'authdb_reader_qp'");
    expect(Number(readers[0]!.n)).toBeGreaterThan(0);
  });
});

describe("the adapter's driver path (SQLite only)", () => {
  const { track, url } = useMigratedDatabase(() => createSqliteDatabase("adapter-query-path-sqlite"));

  test("statements run in the order they were issued: a read issued after a write that is not awaited sees it", async () => {
    const sequelize = track(new Sequelize(url(), { logging: false }));
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    const user = await adapter.createUser(newUser());
    const pairs = Array.from({ length: 40 }, () => {
      const sessionToken = randomUUID();
      void adapter.createSession({ sessionToken, userId: user.id, expires: new Date(Date.now() + 60_000) });
      return adapter.getSessionAndUser(sessionToken);
    });
    expect((await Promise.all(pairs)).filter((found) => found === null)).toHaveLength(0);
  });

  test("an error retry.match names (here Sequelize's TimeoutError for SQLITE_BUSY) is retried until the lock is released", async () => {
    const sequelize = track(new Sequelize(url(), { logging: false, retry: { max: 10, match: [TimeoutError] } }));
    const adapter = SequelizeAdapter(sequelize, CONFIG);
    await adapter.getUserByEmail("warm-up@example.com");
    // Another connection (as another process would) holds the write lock for longer than SQLite's busy timeout.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sqlite3 = require("sqlite3") as typeof import("sqlite3");
    const holder = new sqlite3.Database(url().slice("sqlite:".length));
    const exec = (sql: string) => new Promise<void>((resolve, reject) => holder.exec(sql, (error) => (error ? reject(error) : resolve())));
    await exec("BEGIN EXCLUSIVE");
    const released = new Promise<void>((resolve) => setTimeout(() => void exec("COMMIT").then(resolve), 1_500));
    try {
      const user = await adapter.createUser(newUser());
      expect(await adapter.getUser(user.id)).toMatchObject({ id: user.id });
    } finally {
      await released;
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
