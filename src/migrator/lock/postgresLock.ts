import type { Sequelize } from "sequelize";
import type { HeldLock, LockDriver, LockHolder, LockIdentity } from "./types";

/** Two 32-bit keys ("auth", "db  " in ASCII): advisory locks are per database, so one pair serves all. */
const KEY_CLASS = 0x61757468;
const KEY_OBJECT = 0x64622020;

interface PgClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

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
      try {
        // Named before the attempt, so nothing can fail between taking the lock and handing it over.
        await connection.query("SELECT set_config('application_name', $1, false)", [applicationName(identity)]);
        const { rows } = await connection.query("SELECT pg_try_advisory_lock($1, $2) AS locked", [KEY_CLASS, KEY_OBJECT]);
        if (!rows[0]?.locked) {
          await connection.query("RESET application_name");
          await manager.releaseConnection(connection);
          return null;
        }
      } catch (error) {
        await manager.releaseConnection(connection);
        throw error;
      }
      return {
        async release() {
          try {
            await connection.query("SELECT pg_advisory_unlock($1, $2)", [KEY_CLASS, KEY_OBJECT]);
            await connection.query("RESET application_name");
          } finally {
            await manager.releaseConnection(connection);
          }
        },
      };
    },
    async readHolder(): Promise<LockHolder | null> {
      const [rows] = (await sequelize.query(
        `SELECT a.application_name, a.client_addr, a.state_change
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        { bind: [KEY_CLASS, KEY_OBJECT] },
      )) as [Array<{ application_name: string; client_addr: string | null; state_change: Date | null }>, unknown];
      const row = rows[0];
      if (!row) return null;
      const parsed = parseApplicationName(row.application_name ?? "");
      return { ...parsed, host: parsed.host ?? row.client_addr ?? undefined, since: row.state_change ?? undefined };
    },
  };
}
