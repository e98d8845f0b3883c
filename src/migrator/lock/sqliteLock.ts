import type { Sequelize, Transaction } from "sequelize";
// Sequelize's constants alone (a few lines): `authdb status` reads through this module without loading Sequelize.
import QueryTypes from "sequelize/lib/query-types";
import { fromDatabaseDate, quoteIdentifier, toDatabaseDate } from "../../database";
import { LockLostError } from "../../errors";
import type { HeldLock, LockDriver, LockHolder, LockIdentity } from "./types";

export const LOCK_TABLE = "authdb_lock";

/** The SQLite files whose lock this process holds now. */
const heldHere = new Set<string>();

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

/** A dry run that created the lock table drops it again; a process polling at that moment just tries again. */
function isTableGone(error: unknown): boolean {
  return new RegExp(`no such table: ${LOCK_TABLE}`, "i").test(String((error as Error)?.message ?? error));
}

export interface SqliteLockOptions {
  /** Drop the lock table on release if this process created it (a dry run leaves the file as it found it). */
  leaveNoTrace?: boolean;
}

/**
 * SQLite has no session locks, so the lock is a row (id = 1) that one process inserts. A crashed holder
 * leaves its row behind; a process on the same host sees that the pid is gone and takes the lock over,
 * so nobody cleans up by hand. (A SQLite file is local, so its migrators share the host.)
 *
 * An attempt reads before it writes: while the holder's migration transaction has the file's write
 * lock, any write here would sit in SQLite's busy timeout (10 s) and overrun --lock-timeout.
 */
export function sqliteLockDriver(sequelize: Sequelize, identity: LockIdentity, options: SqliteLockOptions = {}): LockDriver {
  const table = quoteIdentifier(sequelize, LOCK_TABLE);
  const tableExists = () => sequelize.getQueryInterface().tableExists(LOCK_TABLE);

  async function readRow(): Promise<(LockHolder & { pid: number; host: string }) | null> {
    if (!(await tableExists())) return null;
    let rows;
    try {
      rows = await sequelize.query<{ pid: number; host: string; command: string; since: unknown }>(
        `SELECT pid, host, command, since FROM ${table} WHERE id = 1`,
        { type: QueryTypes.SELECT },
      );
    } catch (error) {
      if (isTableGone(error)) return null;
      throw error;
    }
    const row = rows[0];
    return row ? { pid: Number(row.pid), host: row.host, command: row.command, since: fromDatabaseDate(row.since) ?? undefined } : null;
  }

  /** A row left by a process that died on this host holds nothing: the next run takes it over. */
  const storage = String((sequelize as unknown as { options: { storage?: string } }).options.storage ?? ":memory:");
  // A row with our own pid that this process does not hold was left by an earlier process that had the
  // same pid (containers restart with the same pids): stale, like a row whose pid is gone.
  const isStale = (row: { pid: number; host: string }) =>
    row.host === identity.host && (row.pid === process.pid ? !heldHere.has(storage) : !processIsAlive(row.pid));

  async function readHolder(): Promise<LockHolder | null> {
    const row = await readRow();
    return row && !isStale(row) ? row : null;
  }

  return {
    async tryAcquire(): Promise<HeldLock | null> {
      // Required here: only taking the lock needs Sequelize's data types and transactions (readHolder does not).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { DataTypes, Transaction } = require("sequelize") as typeof import("sequelize");
      let createdTable = false;
      try {
        const holder = await readRow();
        if (holder) {
          if (!isStale(holder)) return null;
          await sequelize.query(`DELETE FROM ${table} WHERE id = 1 AND pid = $1 AND host = $2`, { bind: [holder.pid, holder.host] });
        }
        if (!(await tableExists())) {
          await sequelize.getQueryInterface().createTable(LOCK_TABLE, {
            id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
            pid: { type: DataTypes.INTEGER, allowNull: false },
            host: { type: DataTypes.STRING(255), allowNull: false },
            command: { type: DataTypes.STRING(64), allowNull: false },
            since: { type: DataTypes.DATE(3), allowNull: false },
          });
          createdTable = true;
        }
        await sequelize.query(`INSERT INTO ${table} (id, pid, host, command, since) VALUES (1, $1, $2, $3, $4)`, {
          bind: [identity.pid, identity.host, identity.command, toDatabaseDate("sqlite", new Date())],
        });
      } catch (error) {
        if (isTaken(error) || isBusy(error) || isTableGone(error)) return null;
        throw error;
      }
      heldHere.add(storage);
      let lost: string | null = null;
      return {
        /** The row is ours unless someone deleted it (by hand, or a process that wrongly judged it stale). */
        async assertHeld() {
          if (lost) throw new LockLostError(lost);
          const row = await readRow();
          if (!row || row.pid !== identity.pid || row.host !== identity.host) {
            lost = row ? `its row now names pid ${row.pid} on ${row.host}` : `its row in ${LOCK_TABLE} was deleted`;
            throw new LockLostError(lost);
          }
        },
        lostReason: () => lost,
        async release() {
          heldHere.delete(storage);
          const deleteOwnRow = (transaction?: Transaction) =>
            sequelize.query(`DELETE FROM ${table} WHERE id = 1 AND pid = $1 AND host = $2`, { bind: [identity.pid, identity.host], transaction });
          if (!(createdTable && options.leaveNoTrace)) {
            await deleteOwnRow();
            return;
          }
          // One write transaction, so no other process can insert its row between the count and the drop.
          await sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
            await deleteOwnRow(transaction);
            const [{ n }] = await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`, { type: QueryTypes.SELECT, transaction });
            if (Number(n) === 0) await sequelize.getQueryInterface().dropTable(LOCK_TABLE, { transaction });
          });
        },
      };
    },
    readHolder,
  };
}
