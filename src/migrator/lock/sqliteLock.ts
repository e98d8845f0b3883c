import { DataTypes, QueryTypes, type Sequelize } from "sequelize";
import { fromDatabaseDate, quoteIdentifier, toDatabaseDate } from "../../database";
import type { HeldLock, LockDriver, LockHolder, LockIdentity } from "./types";

export const LOCK_TABLE = "authdb_lock";

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isBusy(error: unknown): boolean {
  return /SQLITE_BUSY|SQLITE_LOCKED|database is locked/i.test(String((error as Error)?.message ?? error));
}

function isTaken(error: unknown): boolean {
  return (error as Error)?.name === "SequelizeUniqueConstraintError" || /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(String((error as Error)?.message));
}

/**
 * SQLite has no session locks, so the lock is a row (id = 1) that one process inserts. A crashed holder
 * leaves its row behind; a process on the same host sees that the pid is gone and takes the lock over,
 * so nobody cleans up by hand. (A SQLite file is local, so its migrators share the host.)
 */
export function sqliteLockDriver(sequelize: Sequelize, identity: LockIdentity): LockDriver {
  const table = quoteIdentifier(sequelize, LOCK_TABLE);

  async function readHolder(): Promise<(LockHolder & { pid: number; host: string }) | null> {
    if (!(await sequelize.getQueryInterface().tableExists(LOCK_TABLE))) return null;
    const rows = await sequelize.query<{ pid: number; host: string; command: string; since: unknown }>(
      `SELECT pid, host, command, since FROM ${table} WHERE id = 1`,
      { type: QueryTypes.SELECT },
    );
    const row = rows[0];
    return row ? { pid: Number(row.pid), host: row.host, command: row.command, since: fromDatabaseDate(row.since) ?? undefined } : null;
  }

  async function removeIfStale(): Promise<void> {
    const holder = await readHolder();
    if (holder && holder.host === identity.host && !processIsAlive(holder.pid)) {
      await sequelize.query(`DELETE FROM ${table} WHERE id = 1 AND pid = $1 AND host = $2`, { bind: [holder.pid, holder.host] });
    }
  }

  return {
    async tryAcquire(): Promise<HeldLock | null> {
      try {
        await sequelize.getQueryInterface().createTable(LOCK_TABLE, {
          id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
          pid: { type: DataTypes.INTEGER, allowNull: false },
          host: { type: DataTypes.STRING(255), allowNull: false },
          command: { type: DataTypes.STRING(64), allowNull: false },
          since: { type: DataTypes.DATE(3), allowNull: false },
        });
        await removeIfStale();
        await sequelize.query(`INSERT INTO ${table} (id, pid, host, command, since) VALUES (1, $1, $2, $3, $4)`, {
          bind: [identity.pid, identity.host, identity.command, toDatabaseDate("sqlite", new Date())],
        });
      } catch (error) {
        if (isTaken(error) || isBusy(error)) return null;
        throw error;
      }
      return {
        async release() {
          await sequelize.query(`DELETE FROM ${table} WHERE id = 1 AND pid = $1 AND host = $2`, { bind: [identity.pid, identity.host] });
        },
      };
    },
    readHolder,
  };
}
