import { Sequelize, type Options } from "sequelize";
import { DatabaseUnreachableError, InvalidInputError } from "../errors";
import { parseDatabaseUrl, redactUrl, type Dialect } from "./databaseUrl";

const DRIVERS: Record<Dialect, string> = { postgres: "pg", sqlite: "sqlite3", mysql: "mysql2", mariadb: "mariadb" };

/** How long a SQLite connection waits for another writer before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** Builds a Sequelize instance for `url`; `overrides` win over authdb's defaults (logging off). */
export function createSequelize(url: string, overrides: Options = {}, cwd = process.cwd()): Sequelize {
  const parsed = parseDatabaseUrl(url, cwd);
  const base: Options = { logging: false, ...overrides };
  try {
    if (parsed.dialect === "sqlite") {
      const sequelize = new Sequelize({ ...base, dialect: "sqlite", storage: parsed.storage });
      applySqliteBusyTimeout(sequelize);
      return sequelize;
    }
    return new Sequelize(url, { ...base, dialect: parsed.dialect });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/install .* package manually/i.test(message)) {
      const driver = DRIVERS[parsed.dialect];
      throw new InvalidInputError(`the ${parsed.dialect} driver "${driver}" is not installed`, `Run: npm install ${driver}`);
    }
    throw error;
  }
}

/** Sequelize opens SQLite connections itself and sets no busy timeout, so concurrent writers fail at once. */
function applySqliteBusyTimeout(sequelize: Sequelize): void {
  const manager = sequelize.connectionManager as unknown as { getConnection(options?: unknown): Promise<unknown> };
  const getConnection = manager.getConnection.bind(manager);
  const configured = new WeakSet<object>();
  manager.getConnection = async (options?: unknown) => {
    const connection = (await getConnection(options)) as { configure?(option: string, value: number): void };
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
  const reason = [parent?.code, error.message].filter(Boolean).join(": ") || error.name;
  return new DatabaseUnreachableError(
    `cannot connect to ${redactUrl(url)}: ${reason}`,
    "Check that the server is running and that --url / DATABASE_URL points at it (user, password, host, port, database).",
  );
}

/** Creates the instance and proves the database answers, so later failures are not connection failures. */
export async function connectDatabase(url: string, overrides: Options = {}, cwd = process.cwd()): Promise<Sequelize> {
  const sequelize = createSequelize(url, overrides, cwd);
  try {
    await sequelize.authenticate();
  } catch (error) {
    await sequelize.close().catch(() => undefined);
    throw toConnectionError(error, url);
  }
  return sequelize;
}
