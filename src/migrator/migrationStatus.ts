import type { Sequelize } from "sequelize";
import { readLockHolder, type LockHolder } from "./lock";
import { MetaStore } from "./metaStore";
import type { MigrationUnit } from "./migrationSource";

export type AppliedState = "ok" | "changed" | "missing-file" | "no-checksum";

export interface MigrationStatus {
  applied: Array<{ name: string; appliedAt?: Date; state: AppliedState }>;
  pending: string[];
  lock: { held: boolean; holder?: LockHolder };
}

/** What is applied (and whether its file still matches), what is pending, and who holds the lock. Read-only. */
export async function readMigrationStatus(sequelize: Sequelize, units: MigrationUnit[]): Promise<MigrationStatus> {
  const applied = await new MetaStore(sequelize).listApplied();
  const byName = new Map(units.map((unit) => [unit.name, unit]));
  const appliedNames = new Set(applied.map((m) => m.name));
  const holder = await readLockHolder(sequelize);
  return {
    applied: applied.map(({ name, appliedAt, checksum }) => {
      const unit = byName.get(name);
      const state: AppliedState = !unit ? "missing-file" : !checksum ? "no-checksum" : checksum === unit.checksum ? "ok" : "changed";
      return { name, appliedAt, state };
    }),
    pending: units.filter((unit) => !appliedNames.has(unit.name)).map((unit) => unit.name),
    lock: holder ? { held: true, holder } : { held: false },
  };
}
