import { describeHolder, type MigratorEvent, type RunResult } from "../migrator";
import { waitingOn } from "./activity";
import type { Output } from "./output";

/** Prints a migrator event the way every schema-changing command shows progress. */
export function reportMigratorEvent(output: Output, event: MigratorEvent, lockTimeoutSeconds: number): void {
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

export function printDryRun(output: Output, dryRun: RunResult["dryRun"]): void {
  for (const migration of dryRun) {
    output.line(output.c.bold(`-- ${migration.name}`));
    if (migration.skipped) output.line(`-- ${migration.skipped}`);
    for (const statement of migration.statements) output.line(statement.endsWith(";") ? statement : `${statement};`);
    output.line();
  }
}
