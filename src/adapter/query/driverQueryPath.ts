import type { Sequelize } from "sequelize";
import type { Row } from "../rowMapping";
import { postgresDriver } from "./postgresDriver";
import { sqliteDriver } from "./sqliteDriver";
import type { Intent, PreparedSql, QueryPath } from "./types";

/** A connection from Sequelize's pool, as the dialect's driver hands it out (pg Client, sqlite3 Database). */
export type DriverConnection = object;

/** The two things a dialect does on its driver: run a statement for rows, or for a count of changed rows. */
export interface Driver {
  rows(connection: DriverConnection, statement: PreparedSql, bound: unknown[]): Promise<Row[]>;
  count(connection: DriverConnection, statement: PreparedSql, bound: unknown[]): Promise<number>;
  /** A driver error after which the connection must not go back into the pool as healthy. */
  breaksConnection?(error: unknown, connection: DriverConnection): void;
}

/** The part of Sequelize's connection manager this path uses: its pool, with its limits, hooks and replication. */
interface PoolManager {
  getConnection(options: { type: string; useMaster?: boolean }): Promise<DriverConnection>;
  releaseConnection(connection: DriverConnection): void | Promise<void>;
}

/** Sequelize's own logger: it drops the options for console.log and adds the time when `benchmark` is on. */
interface SequelizeLog {
  log(...args: unknown[]): void;
}

interface LoggingOptions {
  logging?: false | ((sql: string, ...rest: unknown[]) => void);
  benchmark?: boolean;
  logQueryParameters?: boolean;
  retry?: { match?: unknown[] };
  dialectOptions?: { prependSearchPath?: boolean };
}

/** How the driver path runs statements. */
export interface DriverPathOptions {
  /** PostgreSQL: named prepared statements (default true). */
  preparedStatements?: boolean;
}

function driverFor(dialect: string, options: DriverPathOptions): Driver | null {
  if (dialect === "postgres") return postgresDriver({ prepared: options.preparedStatements !== false });
  if (dialect === "sqlite") return sqliteDriver;
  return null;
}

/**
 * The adapter's statements on the driver of a connection from the Sequelize instance's own pool: no
 * query object, no retry wrapper, no result parsing. What Sequelize would add stays:
 *   - the pool (its limits, acquire timeout, pool hooks, read replicas for reads),
 *   - the log line (`Executing (default): …`) when the instance's `logging` is on,
 *   - Sequelize's error classes (UniqueConstraintError, …), formatted by the dialect's own Query.
 * Anything this path does not reproduce hands the call to `fallback` (sequelize.query): a CLS transaction,
 * `beforeQuery`/`afterQuery` hooks, `prependSearchPath`, and errors Sequelize is configured to retry.
 * Returns null for a dialect without a driver path (MySQL, MariaDB).
 */
export function driverQueryPath(sequelize: Sequelize, fallback: QueryPath, pathOptions: DriverPathOptions = {}): QueryPath | null {
  const driver = driverFor(sequelize.getDialect(), pathOptions);
  if (!driver) return null;
  const manager = (sequelize as unknown as { connectionManager: PoolManager }).connectionManager;
  const options = (sequelize as unknown as { options: LoggingOptions }).options;
  const cls = (sequelize.constructor as unknown as { _cls?: { get(key: string): unknown } })._cls;

  /** True when Sequelize would do something for this call that the driver path does not. */
  const needsSequelize = (): boolean =>
    (cls !== undefined && cls.get("transaction") !== undefined) ||
    sequelize.hasHook("beforeQuery") ||
    sequelize.hasHook("afterQuery") ||
    options.dialectOptions?.prependSearchPath === true;

  async function run<T>(
    statement: PreparedSql,
    bound: unknown[],
    intent: Intent,
    execute: (connection: DriverConnection) => Promise<T>,
    retry: () => Promise<T>,
  ): Promise<T> {
    const logged = log(sequelize as unknown as SequelizeLog, options, statement.sql, bound);
    const connection = await manager.getConnection({ type: intent === "read" ? "SELECT" : "INSERT", useMaster: intent === "write" });
    try {
      const result = await execute(connection);
      logged?.();
      return result;
    } catch (error) {
      driver!.breaksConnection?.(error, connection);
      if (isRetried(options, error)) return retry();
      throw asSequelizeError(sequelize, connection, statement.sql, error);
    } finally {
      await manager.releaseConnection(connection);
    }
  }

  return {
    rows(statement, bound, intent, transaction) {
      if (transaction || needsSequelize()) return fallback.rows(statement, bound, intent, transaction);
      return run(statement, bound, intent, (c) => driver.rows(c, statement, bound), () => fallback.rows(statement, bound, intent));
    },
    count(statement, bound, transaction) {
      if (transaction || needsSequelize()) return fallback.count(statement, bound, transaction);
      return run(statement, bound, "write", (c) => driver.count(c, statement, bound), () => fallback.count(statement, bound));
    },
  };
}

/** Sequelize's log line for a query, in its format; with `benchmark`, the "Executed" line with the time follows. */
function log(sequelize: SequelizeLog, options: LoggingOptions, sql: string, bound: unknown[]): (() => void) | undefined {
  const { logging } = options;
  if (!logging) return undefined;
  const parameters = options.logQueryParameters ? `; ${bound.map((value) => JSON.stringify(value)).join(", ")}` : "";
  const line = `(default): ${sql}${parameters}`;
  const logOptions = { logging, bind: bound };
  if (!options.benchmark) {
    sequelize.log(`Executing ${line}`, logOptions);
    return undefined;
  }
  const started = Date.now();
  return () => sequelize.log(`Executed ${line}`, Date.now() - started, logOptions);
}

/** Whether Sequelize's `retry.match` (default: SQLITE_BUSY) names this error; then sequelize.query runs it with retries. */
function isRetried(options: LoggingOptions, error: unknown): boolean {
  const match = options.retry?.match ?? [];
  const text = String(error);
  return match.some((m) =>
    typeof m === "string" ? text.includes(m) : m instanceof RegExp ? m.test(text) : typeof m === "function" && error instanceof m,
  );
}

interface SequelizeQueryClass {
  new (connection: unknown, sequelize: Sequelize, options: object): { sql: string; formatError(error: unknown, stack?: string): unknown };
}

/** The driver's error as the same Sequelize error class sequelize.query would throw, by the dialect's own Query. */
function asSequelizeError(sequelize: Sequelize, connection: DriverConnection, sql: string, error: unknown): unknown {
  if (error && typeof error === "object") (error as { sql?: string }).sql = sql;
  const Query = (sequelize as unknown as { dialect: { Query: SequelizeQueryClass } }).dialect.Query;
  const query = new Query(connection, sequelize, { raw: true, logging: false });
  query.sql = sql;
  return query.formatError(error, new Error().stack);
}
