/** Who holds the migration lock, as far as the database can tell. */
export interface LockHolder {
  pid?: number;
  host?: string;
  command?: string;
  since?: Date;
}

export interface HeldLock {
  release(): Promise<void>;
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
