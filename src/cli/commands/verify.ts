import { performance } from "node:perf_hooks";
import type { Sequelize } from "sequelize";
import { AuthdbError, ExitCode, InvalidInputError } from "../../errors";
import { diffSchema, introspectDatabase, listApplicationTables, type DatabaseSchema, type Difference } from "../../introspect";
import { MetaStore, applyMigrations, readMigrationDir, revertMigrations, type MigrationUnit, type MigratorEvent } from "../../migrator";
import { tablesInOrder } from "../../schema";
import { Output, formatDuration } from "../output";
import { openProject, relativePath, withConnection, type GlobalOptions, type Project } from "../project";
import { withProgress } from "../progress";
import { trackMigratorEvent } from "../runOutput";
import { printDifferences } from "./check";

interface VerifyOptions extends GlobalOptions {
  force?: boolean;
  lockTimeout: number;
  stallTimeout: number;
}

interface MigrationReport {
  name: string;
  ok: boolean;
  upMs?: number;
  downMs?: number;
  reapplyMs?: number;
  /** Which comparison failed: the down did not restore the schema before the up, or the second up differs from the first. */
  failure?: "down-does-not-undo-up" | "reapply-differs";
  differences: Difference[];
}

interface PassReport {
  ok: boolean;
  durationMs: number;
  differences: Difference[];
}

/**
 * Everything in the database except the migrator's bookkeeping, strictly compared: a table a down
 * forgot to drop is exactly what verify is for.
 */
function snapshot(sequelize: Sequelize): Promise<DatabaseSchema> {
  return introspectDatabase(sequelize);
}

const compare = (before: DatabaseSchema, after: DatabaseSchema) => diffSchema(before, after, { strict: true });

const roundMs = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms));

async function timed(body: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await body();
  return performance.now() - started;
}

/** verify drops what the migrations create: it only runs on a database named for it on purpose. */
function requireExplicitUrl(options: VerifyOptions): string {
  const url = options.url ?? process.env.DATABASE_URL;
  if (!url) {
    throw new InvalidInputError(
      "verify needs a scratch database: pass --url (or set DATABASE_URL)",
      "verify applies, reverts and re-applies every migration, dropping what they create. Give it an empty database, e.g. --url postgres://localhost/authdb_verify, --url mysql://localhost/authdb_verify or --url sqlite:./verify.sqlite",
    );
  }
  return url;
}

/** Refuses a database that already holds our tables or applied migrations, unless --force. */
async function assertScratch(sequelize: Sequelize, project: Project, options: VerifyOptions, output: Output): Promise<void> {
  const applied = await new MetaStore(sequelize).listApplied();
  const ours = new Set(tablesInOrder(project.schema).map((t) => t.table));
  const present = (await listApplicationTables(sequelize)).filter((name) => ours.has(name));
  if (!applied.length && !present.length) return;
  const what = [applied.length ? `${applied.length} applied migration${applied.length === 1 ? "" : "s"}` : "", present.length ? `tables ${present.join(", ")}` : ""].filter(Boolean).join(" and ");
  if (!options.force) {
    throw new InvalidInputError(
      `this database is not empty: it has ${what}, and verify would revert and drop them`,
      "Point --url at an empty scratch database, or pass --force if this one is disposable (verify first reverts every applied migration).",
    );
  }
  if (applied.length) {
    output.line(`--force: reverting ${applied.length} applied migration${applied.length === 1 ? "" : "s"} first…`);
    await revertMigrations({ sequelize, migrations: readMigrationDir(project.migrationsDir), to: 0, allowChanged: true, lockTimeoutMs: options.lockTimeout * 1000, stallTimeoutMs: options.stallTimeout * 1000, command: "verify" });
  }
}

export async function verifyCommand(options: VerifyOptions): Promise<void> {
  const output = new Output({ json: options.json });
  const started = performance.now();
  const url = requireExplicitUrl(options);
  const project = await openProject(options);
  const units: MigrationUnit[] = readMigrationDir(project.migrationsDir);
  if (!units.length) throw new InvalidInputError(`no migration files in ${relativePath(project.migrationsDir)}`, "Run `npx authdb init` to create the Auth.js migration.");

  // Steps: each migration's up, down and up again, then all of them down and up once more.
  const progressSpec = { title: "Verifying", unit: "steps", total: units.length * 5 };
  await withProgress(output, progressSpec, (progress) => withConnection(project, { ...options, url }, async ({ sequelize, label }) => {
    output.line(`Database: ${label}`);
    await assertScratch(sequelize, project, options, output);
    output.line(`Verifying ${units.length} migration${units.length === 1 ? "" : "s"} in ${relativePath(project.migrationsDir)}: up, down, up again, comparing the schema after each step.`);
    const run = { sequelize, migrations: units, lockTimeoutMs: options.lockTimeout * 1000, stallTimeoutMs: options.stallTimeout * 1000, command: "verify", onEvent: (event: MigratorEvent) => trackMigratorEvent(progress, event) };
    const reports: MigrationReport[] = [];
    let fullRevert: PassReport | undefined;
    let fullReapply: PassReport | undefined;

    const start = await snapshot(sequelize);
    let before = start;
    let failed: MigrationReport | undefined;
    for (const unit of units) {
      const report: MigrationReport = { name: unit.name, ok: false, differences: [] };
      reports.push(report);
      try {
        report.upMs = await timed(() => applyMigrations({ ...run, to: unit.name }));
        const after = await snapshot(sequelize);
        report.downMs = await timed(() => revertMigrations({ ...run, step: 1 }));
        report.differences = compare(before, await snapshot(sequelize));
        if (report.differences.length) report.failure = "down-does-not-undo-up";
        else {
          report.reapplyMs = await timed(() => applyMigrations({ ...run, to: unit.name }));
          report.differences = compare(after, await snapshot(sequelize));
          if (report.differences.length) report.failure = "reapply-differs";
          before = after;
        }
      } catch (error) {
        // A SQL failure in up or down: say which migration and step, then let the error speak (exit 1).
        progress.stop();
        output.line(`${output.c.red("✖")} ${unit.name}`);
        throw error;
      }
      report.ok = !report.failure;
      const steps = [`up ${formatDuration(report.upMs ?? 0)}`, `down ${formatDuration(report.downMs ?? 0)}`];
      if (report.reapplyMs !== undefined) steps.push(`up ${formatDuration(report.reapplyMs)}`);
      output.line(`${report.ok ? output.c.green("✔") : output.c.red("✖")} ${unit.name}  ${output.c.dim(steps.join(" · "))}`);
      if (!report.ok) {
        output.line(
          report.failure === "down-does-not-undo-up"
            ? "  After its down, the schema differs from before its up (expected: before up; found: after down):"
            : "  After down and up again, the schema differs from after the first up (expected: first up; found: second up):",
        );
        printDifferences(output, report.differences, "    ");
        failed = report;
        break;
      }
    }

    if (!failed) {
      let durationMs = await timed(() => revertMigrations({ ...run, to: 0 }));
      let differences = compare(start, await snapshot(sequelize));
      fullRevert = { ok: !differences.length, durationMs, differences };
      output.line(`${fullRevert.ok ? output.c.green("✔") : output.c.red("✖")} reverted all ${units.length}: back to the starting schema  ${output.c.dim(formatDuration(durationMs))}`);
      if (!fullRevert.ok) printDifferences(output, differences, "    ");
      else {
        durationMs = await timed(() => applyMigrations(run));
        differences = compare(before, await snapshot(sequelize));
        fullReapply = { ok: !differences.length, durationMs, differences };
        output.line(`${fullReapply.ok ? output.c.green("✔") : output.c.red("✖")} applied all ${units.length} again: same schema as the first pass  ${output.c.dim(formatDuration(durationMs))}`);
        if (!fullReapply.ok) printDifferences(output, differences, "    ");
      }
    }

    progress.stop();
    const ok = !failed && Boolean(fullRevert?.ok) && Boolean(fullReapply?.ok);
    const total = performance.now() - started;
    if (ok) {
      output.line(`Every down undoes its up (${units.length} migration${units.length === 1 ? "" : "s"}, ${formatDuration(total)}). The scratch database is left fully migrated.`);
      output.next("`npx authdb check --url <this database>` compares the result with your config.");
    } else {
      output.line(`Verification failed after ${formatDuration(total)}. The scratch database is left as it was when the failure was found.`);
    }
    output.result("verify", {
      failed: failed?.name ?? null,
      // Whole milliseconds, as everywhere in --json.
      migrations: reports.map(({ upMs, downMs, reapplyMs, ...report }) => ({ ...report, upMs: roundMs(upMs), downMs: roundMs(downMs), reapplyMs: roundMs(reapplyMs) })),
      fullRevert: fullRevert ? { ...fullRevert, durationMs: Math.round(fullRevert.durationMs) } : null,
      fullReapply: fullReapply ? { ...fullReapply, durationMs: Math.round(fullReapply.durationMs) } : null,
      leftMigrated: ok,
    });
    if (ok) return;
    const error = failed
      ? new AuthdbError(
          failed.failure === "down-does-not-undo-up" ? `${failed.name}: its down does not undo its up (${failed.differences.length} difference${failed.differences.length === 1 ? "" : "s"}, listed above)` : `${failed.name}: applying it again after its down gives a different schema (listed above)`,
          ExitCode.drift,
          "Make the down drop or restore exactly what the up changes, then run verify again on a fresh scratch database.",
        )
      : new AuthdbError(
          fullRevert?.ok ? "applying every migration again gives a different schema than the first pass (listed above)" : "reverting every migration does not return the database to its starting schema (listed above)",
          ExitCode.drift,
          "Each migration passed on its own; look for downs that depend on the order they run in.",
        );
    throw error;
  }));
}
