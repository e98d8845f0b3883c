import { performance } from "node:perf_hooks";
import { SchemaNotMigratedError } from "../../adapter";
import { isMissingSqliteFile, resolveDatabaseUrl } from "../../database";
import { AuthdbError, ExitCode } from "../../errors";
import { prune, type PruneEvent, type PruneResult } from "../../prune";
import { Output, formatDuration } from "../output";
import { openProject, withConnection, type GlobalOptions, type Project } from "../project";
import { withProgress, type Progress } from "../progress";
import { trackPrune } from "../progress/pruneProgress";
import { progressWanted } from "../progress/wanted";
import { docsFile } from "../../docsLink";

interface PruneCommandOptions extends GlobalOptions {
  dryRun?: boolean;
  batchSize: number;
}

/** How often a long prune says how far it got. */
const PROGRESS_EVERY_MS = 1000;

const count = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? "" : "es"}`;
const batches = (n: number) => plural(n, "batch");

/**
 * A SQLite file that does not exist is certainly not migrated: open it read-only (an empty database), so
 * prune reports that instead of leaving a new empty file behind. A dry run only reads anyway.
 */
function opensReadOnly(project: Project, options: PruneCommandOptions): boolean {
  if (options.dryRun) return true;
  const { url, source } = resolveDatabaseUrl({ flag: options.url, config: project.config.url });
  return isMissingSqliteFile(url, source === "config" ? project.baseDir : process.cwd());
}

/**
 * Per batch at most once a second, so a prune of millions shows it is moving without a line per statement;
 * not while the progress bar (a terminal only) shows it.
 */
function progressReporter(output: Output, progress: Progress): (event: PruneEvent) => void {
  let lastReport = performance.now();
  const track = trackPrune(progress);
  return (event) => {
    track(event);
    if (event.type === "pruning") return;
    if (event.type === "table") {
      const what = event.dryRun
        ? `${count(event.rows)} expired${event.rows ? ` (${batches(event.batches)} to remove)` : ""}`
        : `${count(event.rows)} removed${event.rows ? ` in ${batches(event.batches)}` : ""}`;
      output.success(`${event.table}: ${what}`, event.durationMs);
      return;
    }
    if (progress.shown || performance.now() - lastReport < PROGRESS_EVERY_MS) return;
    lastReport = performance.now();
    output.line(output.c.dim(`  ${event.table}: ${count(event.totalRows)} removed so far (${batches(event.batch)})`));
  };
}

/** The adapter's message speaks of the adapter; from the shell the way out is `authdb migrate`. */
function notMigrated(error: SchemaNotMigratedError): AuthdbError {
  return new AuthdbError(
    `the database is not migrated: ${error.missing.join("; ")}`,
    ExitCode.pending,
    "Run `npx authdb migrate` first: prune only deletes rows from the tables migrate creates, and creates nothing. Or check that --url / DATABASE_URL names your app's database.",
  );
}

function summary(result: PruneResult): string {
  const took = formatDuration(result.durationMs);
  if (result.dryRun) {
    return result.rows
      ? `Dry run: ${count(result.rows)} expired row${result.rows === 1 ? "" : "s"} would be removed in ${batches(result.batches)}; nothing changed (${took}).`
      : `Dry run: no expired rows; nothing changed (${took}).`;
  }
  return result.rows ? `Removed ${count(result.rows)} expired row${result.rows === 1 ? "" : "s"} in ${batches(result.batches)} (${took}).` : `No expired rows to remove (${took}).`;
}

/** A table's line of the --json data (schemas/prune.json): whole milliseconds. */
const tableData = ({ table, rows, batches, durationMs }: PruneResult["tables"]["Session"]) => ({ table, rows, batches, durationMs: Math.round(durationMs) });

export async function pruneCommand(options: PruneCommandOptions): Promise<void> {
  const output = new Output({ json: options.json });
  const started = performance.now();
  const project = await openProject(options);
  await withConnection(
    project,
    options,
    async ({ sequelize, label }) => {
      output.line(`Database: ${label}`);
      const now = new Date();
      output.line(
        `${options.dryRun ? "Counting" : "Removing"} sessions and verification tokens that expired before ${now.toISOString()}, ${count(options.batchSize)} rows per statement${options.dryRun ? " (dry run: nothing is deleted)" : ""}`,
      );
      let result: PruneResult;
      try {
        result = await withProgress(output, { title: options.dryRun ? "Counting" : "Pruning", unit: "rows" }, (progress) =>
          prune(sequelize, project.config, { batchSize: options.batchSize, dryRun: Boolean(options.dryRun), countFirst: progressWanted(output.json), now, onEvent: progressReporter(output, progress) }),
        );
      } catch (error) {
        throw error instanceof SchemaNotMigratedError ? notMigrated(error) : error;
      }
      const total = performance.now() - started;
      output.line(summary({ ...result, durationMs: total }));
      if (options.dryRun) output.next(result.rows ? "run `npx authdb prune` to remove them." : "nothing to do.");
      else output.next(`run it on a schedule (a cron job, or prune(sequelize, config) from a scheduled function); see ${docsFile("adapter.md")}, Scheduled cleanup.`);
      output.result("prune", {
        dryRun: result.dryRun,
        now: result.now.toISOString(),
        batchSize: result.batchSize,
        tables: { Session: tableData(result.tables.Session), VerificationToken: tableData(result.tables.VerificationToken) },
        rows: result.rows,
        batches: result.batches,
      });
    },
    { readOnly: opensReadOnly(project, options) },
  );
}
