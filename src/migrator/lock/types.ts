/** Who holds the migration lock, as far as the database can tell. */
export interface LockHolder {
  pid?: number;
  host?: string;
  command?: string;
  since?: Date;
}

export interface HeldLock {
  /** Asks the database whether this process still holds the lock; throws LockLostError when it does not. */
  assertHeld(): Promise<void>;
  /** Why the lock is known to be lost (its connection closed, a heartbeat failed), without asking; else null. */
  lostReason(): string | null;
  release(): Promise<void>;
  /**
   * MySQL/MariaDB: the connection that holds the lock. The runner sends every statement of the run through
   * it (runConnection.ts), so the lock and the work share fate. Absent where the lock idles on a connection
   * of its own (PostgreSQL) or is a row (SQLite).
   */
  connection?: unknown;
}

/** One dialect's lock: a non-blocking attempt (polled by acquireMigrationLock) and a look at the holder. */
export interface LockDriver {
  tryAcquire(): Promise<HeldLock | null>;
  readHolder(): Promise<LockHolder | null>;
}

export interface LockIdentity {
  pid: number;
  host: string;
  command: string;
}
