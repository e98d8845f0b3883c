import type { Sequelize } from "sequelize";
import { migrationHistoryOf } from "./historyOptions";
import { readLockHolder, type LockHolder } from "./lock";
import { MetaStore } from "./metaStore";
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
  lock: { held: boolean; holder?: LockHolder };
}

/** What is applied (and whether its file still matches), what is pending, and who holds the lock. Read-only. */
export async function readMigrationStatus(sequelize: Sequelize, units: MigrationUnit[]): Promise<MigrationStatus> {
  const applied = await new MetaStore(sequelize).listApplied();
  const byName = new Map(units.map((unit) => [unit.name, unit]));
  const appliedNames = new Set(applied.map((m) => m.name));
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
    lock: holder ? { held: true, holder } : { held: false },
  };
}
