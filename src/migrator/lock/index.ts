export { acquireMigrationLock, readLockHolder, describeHolder, DEFAULT_LOCK_TIMEOUT_MS, type LockOptions } from "./acquireMigrationLock";
export type { HeldLock, LockHolder } from "./types";
export { LOCK_TABLE } from "./sqliteLock";
export { lockLostError } from "./lockLost";
