import type { Sequelize } from "sequelize";
import { migrationHistoryOf } from "./historyOptions";
import { readLockHolder, type LockHolder } from "./lock";
import { MetaStore, type PartialMigration } from "./metaStore";
import { matchesChecksum, type MigrationUnit } from "./migrationSource";

/**
 * ok: the file matches what was applied. changed / missing-file: exit 6 material. no-checksum: applied by
 * another tool (sequelize-cli), so there is nothing to compare. foreign: no file here, and the name matches
 * `foreignMigrations` (another migrations folder applied it).
 */
export type AppliedState = "ok" | "changed" | "missing-file" | "no-checksum" | "foreign";

export interface MigrationStatus {
  applied: Array<{ name: string; appliedAt?: Date; state: AppliedState; /** The foreignMigrations pattern it matched. */ foreignPattern?: string }>;
  pending: string[];
  /**
   * Migrations that failed partway, having run without a transaction (every MySQL/MariaDB migration):
   * shown as failed-partially. An `up` that failed so is still in `pending`; a `down`, still in `applied`.
   */
  failedPartially: PartialMigration[];
  lock: { held: boolean; holder?: LockHolder };
}

/**
 * The partial-migration records that still describe the database. A record whose migration has since been
 * completed another way is stale: an `up` record of an applied migration (a run killed between recording
 * it and clearing the record, or sequelize-cli applying the fixed file), a `down` record of a pending one.
 */
export function currentPartials(records: PartialMigration[], appliedNames: Set<string>): PartialMigration[] {
  return records.filter((record) => (record.direction === "up" ? !appliedNames.has(record.name) : appliedNames.has(record.name)));
}

/** What is applied (and whether its file still matches), what is pending, and who holds the lock. Read-only. */
export async function readMigrationStatus(sequelize: Sequelize, units: MigrationUnit[]): Promise<MigrationStatus> {
  const store = new MetaStore(sequelize);
  const applied = await store.listApplied();
  const byName = new Map(units.map((unit) => [unit.name, unit]));
  const appliedNames = new Set(applied.map((m) => m.name));
  const failedPartially = currentPartials(await store.listPartial(), appliedNames);
  const { isForeign } = migrationHistoryOf(sequelize);
  const holder = await readLockHolder(sequelize);
  return {
    applied: applied.map(({ name, appliedAt, checksum }) => {
      const unit = byName.get(name);
      const foreignPattern = unit ? undefined : isForeign(name);
      if (foreignPattern) return { name, appliedAt, state: "foreign" as const, foreignPattern };
      const state: AppliedState = !unit ? "missing-file" : !checksum ? "no-checksum" : matchesChecksum(unit, checksum) ? "ok" : "changed";
      return { name, appliedAt, state };
    }),
    pending: units.filter((unit) => !appliedNames.has(unit.name)).map((unit) => unit.name),
    failedPartially,
    lock: holder ? { held: true, holder } : { held: false },
  };
}
