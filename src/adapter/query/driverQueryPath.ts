import type { Sequelize } from "sequelize";
import type { Row } from "../rowMapping";
import { postgresDriver } from "./postgresDriver";
import { logQuery } from "./queryLog";
import { effectiveQueryOptions, instanceOptions } from "./queryOptions";
import { matchesRetry } from "./retryMatch";
import { sqliteDriver } from "./sqliteDriver";
import type { Intent, PreparedSql, QueryPath } from "./types";

/** A connection from Sequelize's pool, as the dialect's driver hands it out (pg Client, sqlite3 Database). */
export type DriverConnection = object;

/** What a dialect does on its driver: run a statement for rows, or for a count of changed rows. */
export interface Driver {
  rows(connection: DriverConnection, statement: PreparedSql, bound: unknown[]): Promise<Row[]>;
  count(connection: DriverConnection, statement: PreparedSql, bound: unknown[]): Promise<number>;
  /** The bind values as Sequelize's log line shows them for this dialect (with `logQueryParameters`). */
  logParameters(bound: unknown[]): string;
  /** Marks a connection the error left unusable, so the pool replaces it instead of handing it out again. */
  breaksConnection?(error: unknown, connection: DriverConnection): void;
}

/** The part of Sequelize's connection manager this path uses: its pool, with its limits, hooks and replication. */
interface PoolManager {
  getConnection(options: { type: string; useMaster?: boolean }): Promise<DriverConnection>;
  releaseConnection(connection: DriverConnection): void | Promise<void>;
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

interface ClsNamespace {
  get(key: string): unknown;
}

/**
 * The adapter's statements on the driver of a connection from the Sequelize instance's own pool: no
 * query object, no retry wrapper, no result parsing. What Sequelize would add stays:
 *   - the pool (its limits, acquire timeout, pool hooks, read replicas for reads),
 *   - the log line (`Executing (default): …`) when logging is on (instance or `query` options),
 *   - Sequelize's error classes (UniqueConstraintError, …), formatted by the dialect's own Query.
 * Anything this path does not reproduce hands the call to `fallback` (sequelize.query): a CLS transaction,
 * `beforeQuery`/`afterQuery` hooks, `prependSearchPath`, and errors `retry.match` names.
 * Returns null for a dialect without a driver path (MySQL, MariaDB).
 */
export function driverQueryPath(sequelize: Sequelize, fallback: QueryPath, pathOptions: DriverPathOptions = {}): QueryPath | null {
  const driver = driverFor(sequelize.getDialect(), pathOptions);
  if (!driver) return null;
  const manager = (sequelize as unknown as { connectionManager: PoolManager }).connectionManager;
  const Sequelize = sequelize.constructor as unknown as { _cls?: ClsNamespace };

  /** True when Sequelize would do something for this call that the driver path does not. Read per call: `useCLS` and hooks can come later. */
  const needsSequelize = (): boolean =>
    Sequelize._cls?.get("transaction") !== undefined ||
    sequelize.hasHook("beforeQuery") ||
    sequelize.hasHook("afterQuery") ||
    instanceOptions(sequelize).dialectOptions?.prependSearchPath === true;

  async function run<T>(
    statement: PreparedSql,
    bound: unknown[],
    intent: Intent,
    type: "SELECT" | "BULKDELETE",
    execute: (connection: DriverConnection) => Promise<T>,
    retry: () => Promise<T>,
  ): Promise<T> {
    const options = effectiveQueryOptions(sequelize);
    const useMaster = intent === "write";
    const connection = await manager.getConnection({ type: useMaster ? "INSERT" : "SELECT", useMaster });
    let failure: unknown;
    try {
      const done = logQuery(sequelize, options, statement.sql, () => driver!.logParameters(bound), { type, bind: bound, useMaster });
      const result = await execute(connection);
      done?.();
      return result;
    } catch (error) {
      driver!.breaksConnection?.(error, connection);
      failure = asSequelizeError(sequelize, connection, statement.sql, bound, error);
    } finally {
      await manager.releaseConnection(connection);
    }
    // Only after the release: with a pool of one, the retry needs the connection this call held.
    if (matchesRetry(options.retry?.match, failure)) return retry();
    throw failure;
  }

  return {
    rows(statement, bound, intent, transaction) {
      if (transaction || needsSequelize()) return fallback.rows(statement, bound, intent, transaction);
      return run(statement, bound, intent, "SELECT", (c) => driver.rows(c, statement, bound), () => fallback.rows(statement, bound, intent));
    },
    count(statement, bound, transaction) {
      if (transaction || needsSequelize()) return fallback.count(statement, bound, transaction);
      return run(statement, bound, "write", "BULKDELETE", (c) => driver.count(c, statement, bound), () => fallback.count(statement, bound));
    },
  };
}

interface SequelizeQueryClass {
  new (connection: unknown, sequelize: Sequelize, options: object): { sql: string; formatError(error: unknown, stack?: string): unknown };
}

/** The driver's error as the same Sequelize error class sequelize.query would throw, by the dialect's own Query. */
function asSequelizeError(sequelize: Sequelize, connection: DriverConnection, sql: string, bound: unknown[], error: unknown): unknown {
  if (error && typeof error === "object") Object.assign(error, { sql, parameters: bound });
  const Query = (sequelize as unknown as { dialect: { Query: SequelizeQueryClass } }).dialect.Query;
  const query = new Query(connection, sequelize, { raw: true, logging: false });
  query.sql = sql;
  return query.formatError(error, new Error().stack);
}
