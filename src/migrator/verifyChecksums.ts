import { ChangedMigrationError } from "../errors";
import type { AppliedMigration } from "./metaStore";
import type { MigrationUnit } from "./migrationSource";

export interface ChecksumReport {
  /** Applied, and the file's text differs from what was applied. */
  changed: string[];
  /** Applied, and no file of that name exists any more. */
  missing: string[];
}

export function compareChecksums(applied: AppliedMigration[], units: MigrationUnit[]): ChecksumReport {
  const byName = new Map(units.map((unit) => [unit.name, unit]));
  const changed: string[] = [];
  const missing: string[] = [];
  for (const migration of applied) {
    const unit = byName.get(migration.name);
    if (!unit) missing.push(migration.name);
    else if (migration.checksum && migration.checksum !== unit.checksum) changed.push(migration.name);
  }
  return { changed, missing };
}

/** Refuses to run over edited or vanished applied migrations (exit code 6), unless the operator allows it. */
export function assertChecksumsMatch(report: ChecksumReport): void {
  if (!report.changed.length && !report.missing.length) return;
  const lines = [
    ...report.changed.map((name) => `  ${name}: changed since it was applied`),
    ...report.missing.map((name) => `  ${name}: applied, but the file is missing`),
  ];
  throw new ChangedMigrationError(
    `applied migrations do not match the files:\n${lines.join("\n")}`,
    "Restore the original files (git checkout), or put the change in a new migration (authdb create). Pass --allow-changed to run anyway.",
  );
}
