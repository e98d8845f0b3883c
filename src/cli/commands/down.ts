import { performance } from "node:perf_hooks";
import { InvalidInputError } from "../../errors";
import { readMigrationDir, revertMigrations } from "../../migrator";
import { Output, formatDuration } from "../output";
import { openProject, withConnection, type GlobalOptions } from "../project";
import { withProgress } from "../progress";
import { printDryRun, reportMigratorEvent } from "../runOutput";

interface DownOptions extends GlobalOptions {
  step?: number;
  to?: string;
  dryRun?: boolean;
  allowChanged?: boolean;
  acceptDataLoss?: boolean;
  lockTimeout: number;
  stallTimeout: number;
}

export async function downCommand(options: DownOptions): Promise<void> {
  if (options.step !== undefined && options.to !== undefined) throw new InvalidInputError("--step and --to cannot be used together", "Use one of them.");
  const output = new Output({ json: options.json });
  const started = performance.now();
  const project = await openProject(options);
  await withConnection(project, options, async ({ sequelize, label }) => {
    output.line(`Database: ${label}`);
    // The total is known for --step (at most) and the default of one; --to counts without one.
    const progressSpec = { title: options.dryRun ? "Dry run" : "Reverting", unit: "migrations", total: options.to === undefined ? (options.step ?? 1) : undefined };
    const result = await withProgress(output, progressSpec, (progress) => revertMigrations({
      sequelize,
      migrations: readMigrationDir(project.migrationsDir),
      step: options.step,
      to: options.to,
      dryRun: options.dryRun,
      allowChanged: options.allowChanged,
      lockTimeoutMs: options.lockTimeout * 1000,
      stallTimeoutMs: options.stallTimeout * 1000,
      refuseDataLoss: !options.acceptDataLoss,
      command: "down",
      onEvent: (event) => reportMigratorEvent(output, event, options.lockTimeout, progress),
    }));
    const total = performance.now() - started;
    if (options.dryRun) {
      // MySQL/MariaDB: a preview, not a rolled-back run; say first what it cannot show.
      if (result.previewNote) output.line(`-- ${result.previewNote}\n`);
      printDryRun(output, result.dryRun);
      const how = result.previewNote ? "previewed (reads executed, nothing else sent)" : "reverted and rolled back";
      output.line(`Dry run: ${result.dryRun.length} migration${result.dryRun.length === 1 ? "" : "s"} ${how}; nothing changed (${formatDuration(total)}).`);
    } else if (result.migrations.length === 0) {
      const why = options.to !== undefined && options.to !== "0" ? `${options.to} is not applied` : "no migration is applied";
      output.line(`Nothing to revert: ${why} (${formatDuration(total)}).`);
    } else {
      const count = result.migrations.length;
      output.line(`Reverted ${count} migration${count === 1 ? "" : "s"} in ${formatDuration(total)}.`);
      output.next("`npx authdb migrate` applies them again.");
    }
    output.result("down", {
      dryRun: Boolean(options.dryRun),
      reverted: result.migrations.map((m) => ({ name: m.name, durationMs: Math.round(m.durationMs) })),
      statements: options.dryRun ? result.dryRun : null,
    });
  });
}
