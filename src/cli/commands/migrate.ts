import { performance } from "node:perf_hooks";
import { InvalidInputError } from "../../errors";
import { unmigratedConfigChanges, warnUnmigratedConfigChanges } from "../configChanges";
import { MetaStore, readMigrationDir, applyMigrations, type MigrationUnit } from "../../migrator";
import { Output, formatDuration } from "../output";
import { openProject, relativePath, withConnection, type GlobalOptions, type Project } from "../project";
import { withProgress } from "../progress";
import { pendingCount, printDryRun, reportMigratorEvent } from "../runOutput";

interface MigrateCommandOptions extends GlobalOptions {
  to?: string;
  dryRun?: boolean;
  allowChanged?: boolean;
  lockTimeout: number;
  stallTimeout: number;
}

/** The migration files as committed: migrate never writes one (every database shares them). */
function migrationUnits(project: Project): MigrationUnit[] {
  const units = readMigrationDir(project.migrationsDir);
  if (units.length === 0) {
    throw new InvalidInputError(`no migration files in ${relativePath(project.migrationsDir)}`, "Run `npx authdb init` to create the Auth.js migration.");
  }
  return units;
}

export async function migrateCommand(options: MigrateCommandOptions): Promise<void> {
  const output = new Output({ json: options.json });
  const started = performance.now();
  const project = await openProject(options);
  await withConnection(project, options, async ({ sequelize, label }) => {
    output.line(`Database: ${label}`);
    const applied = (await new MetaStore(sequelize).listApplied()).map((m) => m.name);
    const units = migrationUnits(project);
    const configChanges = unmigratedConfigChanges(project);
    warnUnmigratedConfigChanges(output, configChanges);
    const progressSpec = { title: options.dryRun ? "Dry run" : "Migrating", unit: "migrations", total: pendingCount(units, applied, options.to) };
    const result = await withProgress(output, progressSpec, (progress) => applyMigrations({
      sequelize,
      migrations: units,
      to: options.to,
      dryRun: options.dryRun,
      allowChanged: options.allowChanged,
      lockTimeoutMs: options.lockTimeout * 1000,
      stallTimeoutMs: options.stallTimeout * 1000,
      command: "migrate",
      onEvent: (event) => reportMigratorEvent(output, event, options.lockTimeout, progress),
    }));
    const total = performance.now() - started;
    if (options.dryRun) {
      // MySQL/MariaDB: a preview, not a rolled-back run; say first what it cannot show.
      if (result.previewNote) output.line(`-- ${result.previewNote}\n`);
      printDryRun(output, result.dryRun);
      const skipped = result.dryRun.filter((m) => m.skipped).length;
      const run = result.previewNote
        ? `${result.dryRun.length} previewed (reads executed, nothing else sent)`
        : `${result.dryRun.length - skipped} executed and rolled back${skipped ? `, ${skipped} not executed (transaction = false)` : ""}`;
      output.line(`Dry run: ${result.dryRun.length} pending migration${result.dryRun.length === 1 ? "" : "s"}: ${run}; nothing changed (${formatDuration(total)}).`);
      output.next(result.dryRun.length ? "run `npx authdb migrate` to apply them." : "nothing to do.");
    } else if (result.migrations.length === 0 && options.to) {
      const pending = units.filter((u) => !applied.includes(u.name)).length;
      output.line(`Nothing to apply: ${options.to} is already applied (${pending} migration${pending === 1 ? "" : "s"} pending after it; ${formatDuration(total)}).`);
    } else if (result.migrations.length === 0) {
      output.line(`Already up to date: ${units.length} migration${units.length === 1 ? "" : "s"} applied, none pending (${formatDuration(total)}).`);
    } else {
      const count = result.migrations.length;
      output.line(`Applied ${count} migration${count === 1 ? "" : "s"} in ${formatDuration(total)}.`);
      output.next("`npx authdb status` shows what is applied; `npx authdb check` compares the database with your config.");
    }
    output.result("migrate", {
      dryRun: Boolean(options.dryRun),
      applied: result.migrations.map((m) => ({ name: m.name, durationMs: Math.round(m.durationMs) })),
      statements: options.dryRun ? result.dryRun : null,
      lockWaitMs: Math.round(result.lockWaitMs),
      unmigratedConfigChanges: configChanges ?? [],
    });
  });
}
