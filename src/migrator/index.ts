export { migrate, migrationsFor, type MigrateOptions } from "./migrate";
export { applyMigrations, revertMigrations, type RunOptions, type RunResult } from "./runMigrations";
export { readMigrationDir, renderedMigrationSet, migrationFromSource, type MigrationUnit, type MigrationModule } from "./migrationSource";
export { MetaStore, META_TABLE, CHECKSUM_TABLE, BOOKKEEPING_TABLES, type AppliedMigration } from "./metaStore";
export { compareChecksums, type ChecksumReport } from "./verifyChecksums";
export { readLockHolder, describeHolder, DEFAULT_LOCK_TIMEOUT_MS, LOCK_TABLE, type LockHolder } from "./lock";
export type { MigratorEvent, MigratorListener } from "./events";
export { migrationChecksum } from "./checksum";
export { readMigrationStatus, type MigrationStatus, type AppliedState } from "./migrationStatus";
