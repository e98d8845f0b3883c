import type { Sequelize } from "sequelize";
// Sequelize's constants alone (a few lines): `authdb status` reads through this module without loading Sequelize.
import QueryTypes from "sequelize/lib/query-types";
import { LockLostError } from "../../errors";
import type { HeldLock, LockDriver, LockHolder } from "./types";

/** GET_LOCK names are server-wide on MySQL/MariaDB, so the database name is part of it. */
function lockName(sequelize: Sequelize): string {
  return `authdb_migrations:${sequelize.getDatabaseName()}`.slice(0, 64);
}

interface MysqlConnection {
  query(sql: string, params: unknown[], callback: (error: Error | null, rows: Array<Record<string, unknown>>) => void): void;
}

function query(connection: MysqlConnection, sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => connection.query(sql, params, (error, rows) => (error ? reject(error) : resolve(rows))));
}

/** GET_LOCK is held by one connection, taken out of the pool for the run; a dropped connection frees it. */
export function mysqlLockDriver(sequelize: Sequelize): LockDriver {
  const manager = sequelize.connectionManager as unknown as {
    getConnection(options?: object): Promise<MysqlConnection>;
    releaseConnection(connection: MysqlConnection): Promise<void>;
  };
  const name = lockName(sequelize);
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
      let lost: string | null = null;
      return {
        async assertHeld() {
          if (lost) throw new LockLostError(lost);
          try {
            const rows = await query(connection, "SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS held", [name]);
            if (Number(rows[0]?.held) !== 1) lost = "the server no longer grants it to this run's connection";
          } catch (error) {
            lost = `its connection failed: ${(error as Error).message}`;
          }
          if (lost) throw new LockLostError(lost);
        },
        lostReason: () => lost,
        async release() {
          try {
            await query(connection, "SELECT RELEASE_LOCK(?)", [name]);
          } finally {
            await manager.releaseConnection(connection);
          }
        },
      };
    },
    async readHolder(): Promise<LockHolder | null> {
      const rows = await sequelize.query<{ host: string | null; seconds: number | null }>(
        `SELECT p.HOST AS host, p.TIME AS seconds FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)`,
        { replacements: [name], type: QueryTypes.SELECT },
      );
      const row = rows[0];
      if (!row) return null;
      return { host: row.host ?? undefined, since: row.seconds === null ? undefined : new Date(Date.now() - Number(row.seconds) * 1000) };
    },
  };
}
