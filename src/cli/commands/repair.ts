import { performance } from "node:perf_hooks";
import { describeHolder, readMigrationDir } from "../../migrator";
import { repairChecksums } from "../../migrator/repair";
import { Output, formatDuration } from "../output";
import { openProject, relativePath, withConnection, type GlobalOptions } from "../project";

interface RepairCommandOptions extends GlobalOptions {
  dryRun?: boolean;
  lockTimeout: number;
}

const short = (checksum: string) => checksum.slice(0, 12);

export async function repairCommand(names: string[], options: RepairCommandOptions): Promise<void> {
  const output = new Output({ json: options.json });
  const started = performance.now();
  const project = await openProject(options);
  await withConnection(project, options, async ({ sequelize, label }) => {
    output.line(`Database: ${label}`);
    output.line(`Migrations: ${relativePath(project.migrationsDir)}`);
    const result = await repairChecksums({
      sequelize,
      migrations: readMigrationDir(project.migrationsDir),
      names,
      dryRun: options.dryRun,
      lockTimeoutMs: options.lockTimeout * 1000,
      onLockWaiting: (holder) => output.line(`Waiting for the migration lock, held by ${describeHolder(holder)} (up to ${options.lockTimeout} s; --lock-timeout changes it)…`),
    });
    const { c } = output;
    const verb = options.dryRun ? "would record" : "recorded";
    for (const m of result.recorded) output.line(`  ${c.green(verb)}  ${m.name}  checksum ${short(m.previousChecksum)}… → ${short(m.checksum)}…`);
    for (const name of result.unchanged) output.line(`  ${c.dim("unchanged")}  ${name}  (its file matches the record, or it has no checksum: nothing to record)`);
    for (const name of result.missingFiles) output.line(`  ${c.yellow("not touched")}  ${name}  applied, but the file is missing`);
    const total = performance.now() - started;
    const count = result.recorded.length;
    const what = `${count} migration${count === 1 ? "" : "s"}`;
    if (!count) output.line(`Nothing to repair: no applied migration${names.length ? " of those named" : ""} differs from its file (${formatDuration(total)}).`);
    else if (options.dryRun) output.line(`Dry run: would record the current checksum of ${what}; nothing changed (${formatDuration(total)}).`);
    else output.line(`Recorded the current checksum of ${what} in ${formatDuration(total)}: ${count === 1 ? "its file is" : "their files are"} now the applied version.`);
    if (result.missingFiles.length) {
      output.line(
        "repair never records a file it cannot read: restore the missing file from version control, or, if another migrations folder applied it, declare it in authdb.config (foreignMigrations: [\"<name or pattern>\"]).",
      );
    }
    if (count && options.dryRun) output.next(`run \`npx authdb repair${names.length ? ` ${names.join(" ")}` : ""}\` to record ${count === 1 ? "it" : "them"}.`);
    else if (count) output.next("commit the edited file" + (count === 1 ? "" : "s") + "; other databases that applied the old version need `authdb repair` too. `npx authdb status --check` passes here now.");
    else output.next("nothing to do.");
    output.result("repair", { dryRun: Boolean(options.dryRun), recorded: result.recorded, unchanged: result.unchanged, missingFiles: result.missingFiles });
  });
}
