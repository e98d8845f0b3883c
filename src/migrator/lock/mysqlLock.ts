import type { Sequelize } from "sequelize";
// Sequelize's constants alone (a few lines): `authdb status` reads through this module without loading Sequelize.
import QueryTypes from "sequelize/lib/query-types";
import { dialectOf } from "../../database/dialect";
import { lockLostError } from "./lockLost";
import type { HeldLock, LockDriver, LockHolder } from "./types";

/** GET_LOCK names are server-wide on MySQL/MariaDB, so the database name is part of it. */
function lockName(sequelize: Sequelize): string {
  return `authdb_migrations:${sequelize.getDatabaseName()}`.slice(0, 64);
}

/** The mysql2 connection Sequelize's pool hands out (callback API, and an EventEmitter). */
interface MysqlConnection {
  query(sql: string, params: unknown[], callback: (error: Error | null, rows: Array<Record<string, unknown>>) => void): void;
  on(event: "error" | "end", listener: (error?: Error) => void): void;
  off(event: "error" | "end", listener: (error?: Error) => void): void;
}

interface ConnectionManager {
  getConnection(options?: object): Promise<MysqlConnection>;
  releaseConnection(connection: MysqlConnection): Promise<void> | void;
  destroyConnection(connection: MysqlConnection): Promise<void>;
}

function query(connection: MysqlConnection, sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => connection.query(sql, params, (error, rows) => (error ? reject(error) : resolve(rows))));
}

/**
 * GET_LOCK is held by one connection, taken out of the pool for the run. Unlike PostgreSQL's lock, that
 * connection does not idle beside the run: the runner sends every statement of the run through it
 * (HeldLock.connection, see runConnection.ts). So lock and work share fate: a KILL of the connection, a
 * wait_timeout or a proxy closing it frees the lock and fails the statement running on it, and the
 * connection's end is remembered so the guard refuses every later statement (statementGuard.ts).
 */
export function mysqlLockDriver(sequelize: Sequelize): LockDriver {
  const manager = sequelize.connectionManager as unknown as ConnectionManager;
  const name = lockName(sequelize);
  const dialect = dialectOf(sequelize);
  return {
    async tryAcquire(): Promise<HeldLock | null> {
      const connection = await manager.getConnection({ type: "write" });
      try {
        const rows = await query(connection, "SELECT GET_LOCK(?, 0) AS locked", [name]);
        if (Number(rows[0]?.locked) !== 1) {
          await manager.releaseConnection(connection);
          return null;
        }
      } catch (error) {
        await manager.releaseConnection(connection);
        throw error;
      }
      return holdLock(connection, name, dialect, manager);
    },
    /**
     * IS_USED_LOCK needs no privilege, so every user sees that the lock is held. Who holds it comes from
     * PROCESSLIST, which shows other users' sessions only with the PROCESS privilege: without it the
     * holder is simply unnamed.
     */
    async readHolder(): Promise<LockHolder | null> {
      const [used] = await sequelize.query<{ id: number | string | null }>("SELECT IS_USED_LOCK(?) AS id", { replacements: [name], type: QueryTypes.SELECT });
      if (used?.id === null || used?.id === undefined) return null;
      const rows = await sequelize.query<{ host: string | null; seconds: number | null }>(
        "SELECT p.HOST AS host, p.TIME AS seconds FROM information_schema.PROCESSLIST p WHERE p.ID = ?",
        { replacements: [used.id], type: QueryTypes.SELECT },
      );
      const row = rows[0];
      if (!row) return {};
      return { host: row.host ?? undefined, since: row.seconds === null ? undefined : new Date(Date.now() - Number(row.seconds) * 1000) };
    },
  };
}

function holdLock(connection: MysqlConnection, name: string, dialect: ReturnType<typeof dialectOf>, manager: ConnectionManager): HeldLock {
  let lost: string | null = null;
  const markLost = (reason: string) => {
    lost ??= reason;
  };
  // mysql2 emits `end` when the server closes the socket (KILL, wait_timeout, a proxy), `error` for a fatal
  // error no command was waiting for.
  const onError = (error?: Error) => markLost(`its connection failed: ${error?.message ?? "unknown error"}`);
  const onEnd = () => markLost("its connection was closed (a KILL, wait_timeout, or a proxy ended it)");
  connection.on("error", onError);
  connection.on("end", onEnd);
  return {
    connection,
    async assertHeld() {
      if (lost) throw lockLostError(dialect, lost);
      try {
        const rows = await query(connection, "SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS held", [name]);
        if (Number(rows[0]?.held) !== 1) markLost("the server no longer grants it to this run's connection");
      } catch (error) {
        markLost(`its connection failed: ${(error as Error).message}`);
      }
      if (lost) throw lockLostError(dialect, lost);
    },
    lostReason: () => lost,
    async release() {
      connection.off("error", onError);
      connection.off("end", onEnd);
      if (lost) {
        // Dead (or no longer ours): it must not go back to the app's pool. Closing a dead one may fail too.
        await manager.destroyConnection(connection).catch(() => undefined);
        return;
      }
      try {
        await query(connection, "SELECT RELEASE_LOCK(?)", [name]);
      } finally {
        await manager.releaseConnection(connection);
      }
    },
  };
}
