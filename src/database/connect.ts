import { existsSync, statSync } from "node:fs";
import type { Options, Sequelize } from "sequelize";
import { DatabaseUnreachableError, InvalidInputError } from "../errors";
import { parseDatabaseUrl, redactUrl, type Dialect } from "./databaseUrl";

const DRIVERS: Record<Dialect, string> = { postgres: "pg", sqlite: "sqlite3", mysql: "mysql2", mariadb: "mariadb" };

/** How long a SQLite connection waits for another writer before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** SQLite's SQLITE_OPEN_READONLY flag (sqlite3 exports it too, but it is an optional peer dependency). */
const SQLITE_OPEN_READONLY = 0x00000001;

export interface ConnectOptions {
  /**
   * For commands that only read (status, check): a SQLite file is opened read-only, and one that does not
   * exist is read as an empty database, never created (Sequelize would create the file and its folders).
   */
  readOnly?: boolean;
}

/**
 * A read-only command on a SQLite file that does not exist yet reads an empty in-memory database instead
 * (everything pending, no tables), and creates nothing. A path that exists but is no file is an error.
 */
function readOnlyStorage(storage: string): string {
  if (storage === ":memory:") return storage;
  if (!existsSync(storage)) return ":memory:";
  if (!statSync(storage).isFile()) throw new InvalidInputError(`${storage} is not a file, so it cannot be a SQLite database`, "Point the URL at a .sqlite file, e.g. sqlite:./authdb.sqlite.");
  return storage;
}

/** True when `url` names a SQLite file that does not exist (yet). */
export function isMissingSqliteFile(url: string, cwd = process.cwd()): boolean {
  const parsed = parseDatabaseUrl(url, cwd);
  return parsed.dialect === "sqlite" && parsed.storage !== ":memory:" && !existsSync(parsed.storage!);
}

/** Builds a Sequelize instance for `url`; `overrides` win over authdb's defaults (logging off). */
export function createSequelize(url: string, overrides: Options = {}, cwd = process.cwd(), connectOptions: ConnectOptions = {}): Sequelize {
  const parsed = parseDatabaseUrl(url, cwd);
  const base: Options = { logging: false, ...overrides };
  // Required here, not on import: commands that never connect (help, init, create) do not load Sequelize.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Sequelize } = require("sequelize") as typeof import("sequelize");
  try {
    if (parsed.dialect === "sqlite") {
      const storage = connectOptions.readOnly ? readOnlyStorage(parsed.storage!) : parsed.storage;
      const dialectOptions = connectOptions.readOnly && storage !== ":memory:" ? { ...base.dialectOptions, mode: SQLITE_OPEN_READONLY } : base.dialectOptions;
      const sequelize = new Sequelize({ ...base, dialect: "sqlite", storage, dialectOptions });
      applySqliteConnectionFixes(sequelize);
      return sequelize;
    }
    // Sequelize takes the dialect from the URL's scheme, so a mariadb:// URL is handed over as mysql://.
    return new Sequelize(url.replace(/^mariadb:/i, "mysql:"), { ...base, dialect: parsed.dialect });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/install .* package manually/i.test(message)) {
      const driver = DRIVERS[parsed.dialect];
      throw new InvalidInputError(`the ${parsed.dialect} driver "${driver}" is not installed`, `Run: npm install ${driver}`);
    }
    throw error;
  }
}

/**
 * Two gaps in Sequelize's SQLite connection manager. It sets no busy timeout, so concurrent writers fail at
 * once. And it keeps a connection that failed to open (a directory, a file it may not read) in its cache,
 * where `sequelize.close()` waits forever for it to close: the process then exits 0 on an empty event loop.
 */
function applySqliteConnectionFixes(sequelize: Sequelize): void {
  const manager = sequelize.connectionManager as unknown as {
    getConnection(options?: unknown): Promise<unknown>;
    connections: Record<string, unknown>;
  };
  const getConnection = manager.getConnection.bind(manager);
  const configured = new WeakSet<object>();
  manager.getConnection = async (options?: unknown) => {
    const request = (options ?? {}) as { uuid?: string; inMemory?: number };
    let opened;
    try {
      opened = await getConnection(request);
    } catch (error) {
      // getConnection filled in uuid and inMemory: the cache key of the connection that failed.
      delete manager.connections[String(request.inMemory || request.uuid || "default")];
      throw error;
    }
    const connection = opened as { configure?(option: string, value: number): void };
    if (connection && !configured.has(connection) && typeof connection.configure === "function") {
      connection.configure("busyTimeout", SQLITE_BUSY_TIMEOUT_MS);
      configured.add(connection);
    }
    return connection;
  };
}

const UNREACHABLE = /^Sequelize(ConnectionRefused|HostNotFound|HostNotReachable|AccessDenied|ConnectionTimedOut|InvalidConnection|Connection)Error$/;

/** Turns a failed connection into a DatabaseUnreachableError naming the (redacted) URL and the driver's reason. */
export function toConnectionError(error: unknown, url: string): unknown {
  if (!(error instanceof Error) || !UNREACHABLE.test(error.name)) return error;
  const parent = (error as { parent?: { code?: string; message?: string } }).parent;
  const reason = (parent?.code && !error.message.includes(parent.code) ? `${parent.code}: ${error.message}` : error.message) || error.name;
  const sqlite = /^sqlite:/i.test(url);
  return new DatabaseUnreachableError(
    `${sqlite ? "cannot open" : "cannot connect to"} ${redactUrl(url)}: ${reason}`,
    sqlite
      ? "Check the SQLite path in --url / DATABASE_URL: it must name a file (not a folder) in a folder this user may write to."
      : "Check that the server is running and that --url / DATABASE_URL points at it (user, password, host, port, database).",
  );
}

/** Creates the instance and proves the database answers, so later failures are not connection failures. */
export async function connectDatabase(url: string, overrides: Options = {}, cwd = process.cwd(), connectOptions: ConnectOptions = {}): Promise<Sequelize> {
  const sequelize = createSequelize(url, overrides, cwd, connectOptions);
  try {
    await sequelize.authenticate();
  } catch (error) {
    await closeDatabase(sequelize);
    throw toConnectionError(error, url);
  }
  return sequelize;
}

/** How long closing may take before the process moves on (a dead server can leave a pool waiting). */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * Closes the pool, but never waits forever: a CLI that hangs in its cleanup has still done its work, and
 * what it reports must not depend on a driver's close callback. Close errors are not the command's outcome.
 */
export async function closeDatabase(sequelize: Sequelize, timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  try {
    await Promise.race([sequelize.close().catch(() => undefined), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
