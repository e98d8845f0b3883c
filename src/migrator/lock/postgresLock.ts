import type { Sequelize } from "sequelize";
import { LockLostError } from "../../errors";
import { configuredSchema, resolveSchema } from "../../database/catalog";
import { KEY_CLASS, lockObjectKey } from "./lockKey";
import type { HeldLock, LockDriver, LockHolder, LockIdentity } from "./types";

interface PgClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  on(event: "error" | "end", listener: (error?: Error) => void): void;
  off(event: "error" | "end", listener: (error?: Error) => void): void;
}

/** How often the lock's connection proves it still holds the lock while a run works on other connections. */
const HEARTBEAT_MS = 2_000;

const HOLDS_LOCK = `SELECT count(*)::int AS held FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() AND classid = $1 AND objid = $2 AND objsubid = 2`;

function applicationName(identity: LockIdentity): string {
  // pg_stat_activity shows it to other sessions: this is how `status` names the holder. 63 bytes at most.
  return `authdb ${identity.command} pid=${identity.pid} host=${identity.host}`.slice(0, 63);
}

function parseApplicationName(name: string): Pick<LockHolder, "pid" | "host" | "command"> {
  const match = /^authdb (\S+) pid=(\d+) host=(\S*)/.exec(name);
  return match ? { command: match[1], pid: Number(match[2]), host: match[3] } : {};
}

/**
 * pg_advisory_lock is held by one connection (session), which we take out of the pool for the run;
 * if the process dies the connection drops and PostgreSQL releases the lock itself.
 */
export function postgresLockDriver(sequelize: Sequelize, identity: LockIdentity): LockDriver {
  const manager = sequelize.connectionManager as unknown as {
    getConnection(options?: object): Promise<PgClient>;
    releaseConnection(connection: PgClient): Promise<void>;
  };
  return {
    async tryAcquire(): Promise<HeldLock | null> {
      const connection = await manager.getConnection({ type: "write" });
      let objectKey: number;
      try {
        // Named before the attempt, so nothing can fail between taking the lock and handing it over.
        const named = await connection.query("SELECT set_config('application_name', $1, false), current_schema() AS schema", [applicationName(identity)]);
        // One lock per schema (lockKey.ts): the configured one, else where this connection creates tables.
        objectKey = lockObjectKey(configuredSchema(sequelize) ?? ((named.rows[0]?.schema as string | null) ?? null));
        const { rows } = await connection.query("SELECT pg_try_advisory_lock($1, $2) AS locked", [KEY_CLASS, objectKey]);
        if (!rows[0]?.locked) {
          await connection.query("RESET application_name");
          await manager.releaseConnection(connection);
          return null;
        }
      } catch (error) {
        await manager.releaseConnection(connection);
        throw error;
      }
      return holdLock(connection, objectKey, () => manager.releaseConnection(connection));
    },
    async readHolder(): Promise<LockHolder | null> {
      const [rows] = (await sequelize.query(
        `SELECT a.application_name, a.client_addr, a.state_change
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        { bind: [KEY_CLASS, lockObjectKey(await resolveSchema(sequelize))] },
      )) as [Array<{ application_name: string; client_addr: string | null; state_change: Date | null }>, unknown];
      const row = rows[0];
      if (!row) return null;
      const parsed = parseApplicationName(row.application_name ?? "");
      return { ...parsed, host: parsed.host ?? row.client_addr ?? undefined, since: row.state_change ?? undefined };
    },
  };
}

/**
 * The lock lives exactly as long as its connection. That connection idles while the migrations run on
 * others, so: it opts out of idle_session_timeout, it listens for its own end, and a heartbeat asks the
 * server every few seconds whether the lock is still granted to it. Whatever ends the lock is remembered,
 * so the runner can refuse every later statement (see guardStatements).
 */
function holdLock(connection: PgClient, objectKey: number, giveBack: () => Promise<void>): HeldLock {
  let lost: string | null = null;
  const markLost = (reason: string) => {
    lost ??= reason;
  };
  const onError = (error?: Error) => markLost(`its connection failed: ${error?.message ?? "unknown error"}`);
  const onEnd = () => markLost("its connection was closed");
  connection.on("error", onError);
  connection.on("end", onEnd);
  // PostgreSQL 14+; older servers have no such setting and no such timeout.
  connection.query("SET idle_session_timeout = 0").catch(() => undefined);

  const ask = async (): Promise<void> => {
    if (lost) throw new LockLostError(lost);
    let held: boolean;
    try {
      const { rows } = await connection.query(HOLDS_LOCK, [KEY_CLASS, objectKey]);
      held = Number(rows[0]?.held) > 0;
    } catch (error) {
      markLost(`its connection failed: ${(error as Error).message}`);
      throw new LockLostError(lost!);
    }
    if (!held) {
      markLost("the server no longer grants it to this run's connection");
      throw new LockLostError(lost!);
    }
  };
  const heartbeat = setInterval(() => ask().catch(() => undefined), HEARTBEAT_MS);
  // The heartbeat alone must not keep a finished (or stuck) process alive.
  heartbeat.unref();

  return {
    assertHeld: ask,
    lostReason: () => lost,
    async release() {
      clearInterval(heartbeat);
      try {
        if (!lost) await connection.query("SELECT pg_advisory_unlock($1, $2)", [KEY_CLASS, objectKey]);
        // Back to the pool as it came (a dead connection is destroyed by the pool instead).
        await connection.query("RESET application_name").catch(() => undefined);
        await connection.query("RESET idle_session_timeout").catch(() => undefined);
      } finally {
        connection.off("error", onError);
        connection.off("end", onEnd);
        await giveBack();
      }
    },
  };
}
