import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Dialect } from "../../database";
import { assertFitsMysql } from "../../config";
import { AuthdbError, ExitCode, InvalidInputError } from "../../errors";
import { migrationExtension } from "../../migrations/moduleSystem";
import { migrationSql } from "../../migrations/migrationSql";
import { describeChange, planSchemaChanges, type ColumnRename, type SchemaPlan } from "../../migrations/planSchemaChanges";
import { builtinLevelInFolder, readFolderSnapshot } from "../../migrations/projectSnapshot";
import { migrationFileName, migrationTimestamp } from "../../migrations/renderMigration";
import { renderChangeMigration } from "../../migrations/renderChangeMigration";
import { schemaAtLevel } from "../../migrations/migrationSet";
import type { SchemaChange } from "../../migrations/schemaChange";
import { snapshotPath, writeSnapshot } from "../../migrations/snapshot";
import { readMigrationDir } from "../../migrator";
import { Output, formatDuration } from "../output";
import { openProject, relativePath, type GlobalOptions, type Project } from "../project";

interface GenerateOptions extends GlobalOptions {
  check?: boolean;
  dryRun?: boolean;
  sql?: Dialect;
  allowDestructive?: boolean;
  rename: ColumnRename[];
  resetSnapshot?: boolean;
}

interface PlannedFile {
  name: string;
  file: string;
  source: string;
  changes: SchemaChange[];
}

/**
 * PostgreSQL builds an index on an existing table CONCURRENTLY, which cannot run in a transaction; every
 * other step can. So new indexes go into a second file that opts out of the transaction, and the rest
 * keeps its all-or-nothing transaction.
 */
function planFiles(project: Project, name: string, changes: SchemaChange[]): PlannedFile[] {
  const concurrent = changes.filter((c) => c.kind === "add-index" && c.concurrently);
  const atomic = changes.filter((c) => !concurrent.includes(c));
  const groups = [atomic, concurrent].filter((g) => g.length > 0);
  const extension = migrationExtension(project.migrationsDir);
  const last = readMigrationDir(project.migrationsDir)
    .map((unit) => unit.name)
    .filter((migration) => /^\d{14}-/.test(migration))
    .at(-1);
  // Names sort after every existing migration, even one created in this same second.
  let time = Date.now();
  if (last && migrationTimestamp(new Date(time)) <= last.slice(0, 14)) time = parseTimestamp(last.slice(0, 14)) + 1000;
  return groups.map((group, i) => {
    const fileName = migrationFileName(groups.length > 1 && group === concurrent ? `${name}-indexes` : name, new Date(time + i * 1000), extension);
    const description = `authdb generate: ${group.map(describeChange).join("; ")}.`.replace(/→/g, "->").replace(/[^\x20-\x7e]/g, "-");
    return { name: fileName, file: path.join(project.migrationsDir, fileName), source: renderChangeMigration(group, { description, command: "generate" }), changes: group };
  });
}

function parseTimestamp(stamp: string): number {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(stamp.slice(at, at + (i === 0 ? 4 : 2))));
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function refuseRisks(plan: SchemaPlan): void {
  if (!plan.risks.length) return;
  const lines = plan.risks.map((risk) => `  - ${risk.message}${risk.hint ? `\n    (${risk.hint})` : ""}`);
  throw new AuthdbError(
    `generate refused ${plan.risks.length} destructive or risky step${plan.risks.length === 1 ? "" : "s"}:\n${lines.join("\n")}`,
    ExitCode.invalidInput,
    "Nothing was written. Change the config as the notes say, or pass --allow-destructive if you mean exactly this (then review the migration before you apply it).",
  );
}

export async function generate(name: string | undefined, options: GenerateOptions): Promise<void> {
  const output = new Output({ json: options.json });
  const started = performance.now();
  const project = await openProject(options);
  const schemaOptions = { tables: project.config.tables, extend: project.config.extend };
  if (options.resetSnapshot) return resetSnapshot(project, output, started);
  const snapshot = readFolderSnapshot(project.migrationsDir, schemaOptions);
  if (!snapshot) {
    throw new InvalidInputError(`no migrations in ${relativePath(project.migrationsDir)} to build on`, "Run `npx authdb init` first: it writes the initial migration and the snapshot.");
  }
  assertFitsMysql(project.schema, project.file, snapshot.schema);
  const plan = planSchemaChanges(snapshot.schema, project.schema, options.rename);
  for (const rename of options.rename) {
    const table = project.schema.tables[rename.model].table;
    if (!plan.changes.some((c) => c.kind === "rename-column" && c.table === table && (c.from.attribute === rename.from || c.from.column === rename.from))) {
      throw new InvalidInputError(
        `--rename ${rename.model}.${rename.from}=${rename.to} matches no column: the snapshot's ${rename.model} must have ${rename.from}, and today's config must have ${rename.to} but no longer ${rename.from}`,
        "Check the names against the config and authdb.snapshot.json.",
      );
    }
  }
  if (!plan.changes.length) {
    output.line(`No schema changes: the migrations in ${relativePath(project.migrationsDir)} already hold your config (${formatDuration(performance.now() - started)}).`);
    output.result("generate", { mode: options.check ? "check" : options.dryRun || options.sql ? "dry-run" : "write", changes: [], files: [], snapshot: null });
    return;
  }
  output.line(`${plan.changes.length} change${plan.changes.length === 1 ? "" : "s"} between ${relativePath(snapshotPath(project.migrationsDir))}${snapshot.source === "implied" ? " (implied by the untouched initial migration)" : ""} and the config:`);
  for (const change of plan.changes) output.line(`  ${describeChange(change)}`);
  if (options.check) {
    output.result("generate", { mode: "check", changes: plan.changes.map(describeChange), files: [], snapshot: null });
    throw new AuthdbError(
      `the config has ${plan.changes.length} change${plan.changes.length === 1 ? "" : "s"} that no migration holds yet`,
      ExitCode.pending,
      "Run `npx authdb generate` and commit the migration and authdb.snapshot.json it writes.",
    );
  }
  if (!options.allowDestructive) refuseRisks(plan);
  let files: PlannedFile[];
  try {
    files = planFiles(project, name ?? "schema-change", plan.changes);
  } catch (error) {
    throw new InvalidInputError((error as Error).message, "Name the migration with letters and digits, e.g. add-role.");
  }
  if (options.sql) {
    for (const planned of files) {
      const sql = await migrationSql(planned.source, options.sql).catch((error: Error) => {
        throw new InvalidInputError(`cannot render the SQL for ${options.sql}: ${error.message.split("\n")[0]}`, "Install that dialect's driver (pg, sqlite3, or mysql2 for MySQL and MariaDB) to preview its SQL, or use --dry-run.");
      });
      output.line(output.c.bold(`-- ${planned.name} (${options.sql}), up:`));
      for (const statement of sql.up) output.line(statement);
      output.line(output.c.bold(`-- down:`));
      for (const statement of sql.down) output.line(statement);
      output.line();
    }
  }
  if (options.dryRun || options.sql) {
    if (options.dryRun) for (const planned of files) output.line(`${output.c.bold(`// ${relativePath(planned.file)}`)}\n${planned.source}`);
    output.line(`Nothing written (${options.dryRun ? "--dry-run" : "--sql"}; ${formatDuration(performance.now() - started)}).`);
    output.result("generate", { mode: "dry-run", changes: plan.changes.map(describeChange), files: files.map((f) => ({ file: f.file, source: f.source })), snapshot: null });
    return;
  }
  mkdirSync(project.migrationsDir, { recursive: true });
  for (const planned of files) {
    if (existsSync(planned.file)) throw new InvalidInputError(`${relativePath(planned.file)} already exists`, "Run generate again in a second.");
  }
  for (const planned of files) writeFileSync(planned.file, planned.source);
  const snapshotFile = writeSnapshot(project.migrationsDir, project.schema);
  for (const planned of files) output.success(`Wrote ${relativePath(planned.file)} (${planned.changes.length} change${planned.changes.length === 1 ? "" : "s"})`);
  output.success(`Updated ${relativePath(snapshotFile)}`);
  if (plan.risks.length) output.warn(`it holds ${plan.risks.length} destructive step${plan.risks.length === 1 ? "" : "s"} (--allow-destructive): review it before you apply it.`);
  output.line(`Done in ${formatDuration(performance.now() - started)}.`);
  output.next("review the migration, run `npx authdb migrate`, and commit the migration with authdb.snapshot.json.");
  output.result("generate", { mode: "write", changes: plan.changes.map(describeChange), files: files.map((f) => ({ file: f.file, source: f.source })), snapshot: snapshotFile });
}

/** Records what the folder's migrations hold when the snapshot was lost: today's config, at the built-in level present. */
function resetSnapshot(project: Project, output: Output, started: number): void {
  if (!readMigrationDir(project.migrationsDir).length) {
    throw new InvalidInputError(`no migrations in ${relativePath(project.migrationsDir)}`, "Run `npx authdb init` first.");
  }
  const level = builtinLevelInFolder(project.migrationsDir);
  const file = writeSnapshot(project.migrationsDir, schemaAtLevel({ tables: project.config.tables, extend: project.config.extend }, level));
  output.success(`Wrote ${relativePath(file)}: today's config, taken as what the migrations hold`);
  output.line(`Done in ${formatDuration(performance.now() - started)}.`);
  output.next("run `npx authdb check` against a migrated database to confirm it matches, then `npx authdb generate` for authdb's own newer tables or indexes.");
  output.result("generate", { mode: "reset-snapshot", changes: [], files: [], snapshot: file });
}
