import { ChangedMigrationError } from "../errors";
import type { ForeignMatcher } from "./foreignMigrations";
import type { AppliedMigration } from "./metaStore";
import { matchesChecksum, type MigrationUnit } from "./migrationSource";

export interface ChecksumReport {
  /** Applied, and the file's text differs from what was applied. */
  changed: string[];
  /** Applied, and no file of that name exists any more. */
  missing: string[];
  /** Applied from another migrations folder (no file here; the name matches `foreignMigrations`): not ours to check. */
  foreign: string[];
}

export function compareChecksums(applied: AppliedMigration[], units: MigrationUnit[], isForeign: ForeignMatcher = () => undefined): ChecksumReport {
  const byName = new Map(units.map((unit) => [unit.name, unit]));
  const report: ChecksumReport = { changed: [], missing: [], foreign: [] };
  for (const migration of applied) {
    const unit = byName.get(migration.name);
    if (!unit) (isForeign(migration.name) ? report.foreign : report.missing).push(migration.name);
    else if (migration.checksum && !matchesChecksum(unit, migration.checksum)) report.changed.push(migration.name);
  }
  return report;
}

/**
 * The way out of exit 6, for `migrate`, `down` and `status --check` alike: an intended edit is recorded
 * once with `authdb repair`; a row from another service is declared foreign; anything else is restored.
 */
export function checksumMismatchHint(changed: readonly string[], missing: readonly string[]): string {
  const hints: string[] = [];
  if (changed.length) {
    hints.push(
      `If the edit was intended, record the file as it is now: \`npx authdb repair ${changed.join(" ")}\`. Otherwise restore it (git checkout) and put the change in a new migration (\`npx authdb create <name>\`).`,
    );
  }
  if (missing.length) {
    hints.push(
      `A missing file: restore it from version control; if the row was applied from another migrations folder (another service on this database, an older sequelize-cli project), declare it in authdb.config: foreignMigrations: [${missing.map((name) => JSON.stringify(name)).join(", ")}] (glob patterns such as "2019*" work too).`,
    );
  }
  hints.push("--allow-changed runs once anyway and records nothing.");
  return hints.join(" ");
}

/** Refuses to run over edited or vanished applied migrations (exit code 6), unless the operator allows it. */
export function assertChecksumsMatch(report: ChecksumReport): void {
  if (!report.changed.length && !report.missing.length) return;
  const lines = [
    ...report.changed.map((name) => `  ${name}: changed since it was applied`),
    ...report.missing.map((name) => `  ${name}: applied, but the file is missing`),
  ];
  throw new ChangedMigrationError(`applied migrations do not match the files:\n${lines.join("\n")}`, checksumMismatchHint(report.changed, report.missing));
}
