import os from "node:os";
import type { Sequelize } from "sequelize";
import { dialectOf } from "../../database";
import { LockTimeoutError } from "../../errors";
import { formatSeconds } from "../stallWatchdog";
import { mysqlLockDriver } from "./mysqlLock";
import { postgresLockDriver } from "./postgresLock";
import { sqliteLockDriver } from "./sqliteLock";
import type { HeldLock, LockDriver, LockHolder, LockIdentity } from "./types";

export interface LockOptions {
  /** How long to wait for another process's lock; default 60 s. */
  timeoutMs?: number;
  /** What holds the lock, shown to waiting processes and by `status`. */
  command?: string;
  /** Called once when the lock is busy, with whoever holds it. */
  onWaiting?: (holder: LockHolder | null) => void;
  pollMs?: number;
  /** Leave no lock table behind (a dry run); only SQLite's lock uses a table. */
  leaveNoTrace?: boolean;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

export function lockDriverFor(sequelize: Sequelize, command = "migrate", leaveNoTrace = false): LockDriver {
  const identity: LockIdentity = { pid: process.pid, host: os.hostname(), command };
  switch (dialectOf(sequelize)) {
    case "postgres":
      return postgresLockDriver(sequelize, identity);
    case "sqlite":
      return sqliteLockDriver(sequelize, identity, { leaveNoTrace });
    case "mysql":
    case "mariadb":
      return mysqlLockDriver(sequelize);
  }
}

export function describeHolder(holder: LockHolder | null): string {
  if (!holder) return "another process";
  const owner = [holder.command && `authdb ${holder.command}`, holder.pid && `pid ${holder.pid}`].filter(Boolean);
  // MySQL/MariaDB only know the holder's connection, not its process.
  const where = holder.host ? (owner.length ? `on ${holder.host}` : `a session from ${holder.host}`) : "";
  const who = [...owner, where].filter(Boolean).join(", ") || "another process";
  return `${who}${holder.since ? ` since ${holder.since.toISOString()}` : ""}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the database-wide migration lock, polling until `timeoutMs`; then LockTimeoutError (exit code 3). */
export async function acquireMigrationLock(sequelize: Sequelize, options: LockOptions = {}): Promise<HeldLock> {
  const driver = lockDriverFor(sequelize, options.command, options.leaveNoTrace);
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const pollMs = options.pollMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const lock = await driver.tryAcquire();
    if (lock) return lock;
    if (!announced) {
      announced = true;
      options.onWaiting?.(await driver.readHolder().catch(() => null));
    }
    if (Date.now() >= deadline) {
      const holder = await driver.readHolder().catch(() => null);
      throw new LockTimeoutError(
        `gave up after ${formatSeconds(timeoutMs)} waiting for the migration lock, held by ${describeHolder(holder)}`,
        "Let the other run finish and try again, or raise --lock-timeout. The lock frees itself when its process exits.",
      );
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())) + Math.random() * 50);
  }
}

export async function readLockHolder(sequelize: Sequelize): Promise<LockHolder | null> {
  return lockDriverFor(sequelize).readHolder();
}
