import type { Sequelize } from "sequelize";
import { InvalidInputError } from "../errors";
import { migrationHistoryOf } from "./historyOptions";
import { acquireMigrationLock, DEFAULT_LOCK_TIMEOUT_MS, type LockHolder } from "./lock";
import { MetaStore } from "./metaStore";
import type { MigrationUnit } from "./migrationSource";
import { runInTransaction } from "./transactionScope";

/**
 * `authdb repair` (Flyway's name; Prisma users ask for it as `migrate resolve`): an applied migration whose
 * file was edited on purpose gets the file's current checksum recorded, once, instead of `--allow-changed`
 * on every run from then on. It never records anything for a file it cannot read.
 */
export interface RepairOptions {
  sequelize: Sequelize;
  migrations: MigrationUnit[];
  /** Only these migrations; default: every applied migration whose file changed. */
  names?: string[];
  /** List what would be recorded; write nothing, take no lock. */
  dryRun?: boolean;
  lockTimeoutMs?: number;
  onLockWaiting?: (holder: LockHolder | null) => void;
}

export interface RepairResult {
  /** The migrations whose checksum was (or, in a dry run, would be) replaced. */
  recorded: Array<{ name: string; previousChecksum: string; checksum: string }>;
  /** Applied, file gone (and not foreign): not touched. */
  missingFiles: string[];
  /** Named, applied, and the file already matches (or was applied by another tool, with no checksum). */
  unchanged: string[];
}

/** Picks what to record, refusing names that cannot be repaired (exit 2, naming each and why). */
function plan(applied: Awaited<ReturnType<MetaStore["listApplied"]>>, options: RepairOptions): RepairResult {
  const byName = new Map(options.migrations.map((unit) => [unit.name, unit]));
  const { isForeign } = migrationHistoryOf(options.sequelize);
  const result: RepairResult = { recorded: [], missingFiles: [], unchanged: [] };
  const appliedByName = new Map(applied.map((m) => [m.name, m]));
  if (options.names?.length) {
    const problems: string[] = [];
    for (const name of options.names) {
      const migration = appliedByName.get(name);
      const unit = byName.get(name);
      if (!migration) problems.push(unit ? `${name} is not applied on this database, so no checksum is recorded for it (authdb migrate applies it)` : `no applied migration is named ${name}`);
      else if (!unit) problems.push(`${name}: applied, but its file is missing, and repair records only a file it can read`);
    }
    if (problems.length) {
      const missing = problems.some((p) => p.includes("file is missing"));
      throw new InvalidInputError(
        `cannot repair: ${problems.join("; ")}`,
        missing
          ? "Restore the file from version control; if another migrations folder applied it (another service, an older sequelize-cli project), declare it in authdb.config: foreignMigrations: [\"<name or pattern>\"]."
          : "Run `npx authdb status` to list applied migrations and their state.",
      );
    }
  }
  const wanted = options.names?.length ? new Set(options.names) : undefined;
  for (const migration of applied) {
    if (wanted && !wanted.has(migration.name)) continue;
    const unit = byName.get(migration.name);
    if (!unit) {
      if (!isForeign(migration.name)) result.missingFiles.push(migration.name);
    } else if (migration.checksum && migration.checksum !== unit.checksum) {
      result.recorded.push({ name: migration.name, previousChecksum: migration.checksum, checksum: unit.checksum });
    } else if (wanted) {
      result.unchanged.push(migration.name);
    }
  }
  return result;
}

/** Records the current checksum of each changed applied migration (or of `names`), under the migration lock, in one transaction. */
export async function repairChecksums(options: RepairOptions): Promise<RepairResult> {
  const store = new MetaStore(options.sequelize);
  if (options.dryRun) return plan(await store.listApplied(), options);
  const lock = await acquireMigrationLock(options.sequelize, {
    timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    command: "repair",
    onWaiting: options.onLockWaiting,
  });
  try {
    // Read under the lock: a migrate that finished meanwhile may have recorded a checksum already.
    const result = plan(await store.listApplied(), options);
    if (result.recorded.length) {
      await runInTransaction(options.sequelize, async () => {
        for (const { name, checksum } of result.recorded) await store.recordChecksum(name, checksum);
      });
    }
    return result;
  } finally {
    await lock.release().catch(() => undefined);
  }
}
