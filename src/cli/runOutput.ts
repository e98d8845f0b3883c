import { describeHolder, type MigratorEvent, type RunResult } from "../migrator";
import { waitingOn } from "./activity";
import type { Output } from "./output";
import type { Progress } from "./progress";

/**
 * Prints a migrator event the way every schema-changing command shows progress; with `progress`, it also
 * moves the bar (drawn only on a terminal), before the line, so the bar under it shows the new count.
 */
export function reportMigratorEvent(output: Output, event: MigratorEvent, lockTimeoutSeconds: number, progress?: Progress): void {
  if (progress) trackMigratorEvent(progress, event);
  switch (event.type) {
    case "migrating":
    case "reverting":
      waitingOn(`${event.name}'s ${event.type === "migrating" ? "up" : "down"}()`);
      break;
    case "lock-waiting":
      output.line(`Waiting for the migration lock, held by ${describeHolder(event.holder)} (up to ${lockTimeoutSeconds} s; --lock-timeout changes it)…`);
      break;
    case "lock-acquired":
      if (event.waitedMs >= 1000) output.line(`Got the migration lock after ${(event.waitedMs / 1000).toFixed(1)} s.`);
      break;
    case "warning":
      output.warn(event.message);
      break;
    case "migrated":
      output.success(`${event.name}`, event.durationMs);
      break;
    case "reverted":
      output.success(`reverted ${event.name}`, event.durationMs);
      break;
    default:
      break;
  }
}

/** Migrations done (applied, reverted, or tried in a dry run) and the one running now. */
export function trackMigratorEvent(progress: Progress, event: MigratorEvent): void {
  switch (event.type) {
    case "migrating":
    case "reverting":
      progress.working(`${event.name} ${event.type === "migrating" ? "up" : "down"}()`);
      break;
    case "lock-waiting":
      progress.working("waiting for the migration lock");
      break;
    case "lock-acquired":
      progress.working(undefined);
      break;
    case "migrated":
    case "reverted":
    case "dry-run":
      progress.advance();
      break;
    default:
      break;
  }
}

/**
 * The migrations a migrate is about to run, for the progress bar's total: those not applied, up to and
 * including `to`. Read before the lock is taken, so another run can make it too high; the bar is cleared
 * when the run ends and the summary line gives the real count.
 */
export function pendingCount(units: Array<{ name: string }>, applied: string[], to?: string): number {
  const last = to === undefined ? units.length - 1 : units.findIndex((unit) => unit.name === to);
  const done = new Set(applied);
  return units.slice(0, last + 1).filter((unit) => !done.has(unit.name)).length;
}

export function printDryRun(output: Output, dryRun: RunResult["dryRun"]): void {
  for (const migration of dryRun) {
    output.line(output.c.bold(`-- ${migration.name}`));
    if (migration.skipped) output.line(`-- ${migration.skipped}`);
    for (const statement of migration.statements) output.line(statement.endsWith(";") ? statement : `${statement};`);
    output.line();
  }
}
