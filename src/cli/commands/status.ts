import { performance } from "node:perf_hooks";
import { AuthdbError, ExitCode } from "../../errors";
// The migrator's files, not its index: that loads the runner (Umzug), which status never needs.
import { describeHolder } from "../../migrator/lock";
import { readMigrationDir } from "../../migrator/migrationSource";
import { readMigrationStatus, type AppliedState, type MigrationStatus } from "../../migrator/migrationStatus";
import { checksumMismatchHint } from "../../migrator/verifyChecksums";
import { wasInterrupted } from "../../migrator/partialMigration";
import { unmigratedConfigChanges, warnUnmigratedConfigChanges } from "../configChanges";
import { Output, formatDuration } from "../output";
import { openProject, relativePath, withConnection, withPostgresReader, type Connection, type GlobalOptions, type Project } from "../project";

interface StatusOptions extends GlobalOptions {
  check?: boolean;
}

const STATE_LABEL: Record<AppliedState, string> = {
  ok: "",
  changed: "CHANGED since it was applied",
  "missing-file": "FILE MISSING",
  "no-checksum": "(applied by another tool: no checksum)",
  foreign: "(foreign: applied from another migrations folder)",
};

/** "(2 of its statements took effect:)" for a migration that failed partway. */
function partialNote(record: MigrationStatus["failedPartially"][number]): string {
  if (wasInterrupted(record)) return `(interrupted mid-run: some of its ${record.direction}() may be in effect; \`npx authdb check\` shows the schema)`;
  const count = record.tookEffect.length;
  return `(${record.direction === "down" ? "its down() failed: " : ""}${count} of its statement${count === 1 ? "" : "s"} took effect:)`;
}

/** The statements a partial failure left, numbered under its line (each cut at 300 characters; --json has them whole). */
function printPartial(output: Output, record: MigrationStatus["failedPartially"][number]): void {
  if (wasInterrupted(record)) return;
  const cut = (sql: string) => (sql.length > 300 ? `${sql.slice(0, 299)}…` : sql);
  record.tookEffect.forEach((sql, i) => output.line(`      ${i + 1}. ${cut(sql)}`));
  output.line(`      failed: ${record.failedStatement !== null ? `${cut(record.failedStatement)}: ` : ""}${cut(record.error.split("\n")[0]!)}`);
}

function printStatus(output: Output, status: MigrationStatus): void {
  const { c } = output;
  const partial = new Map(status.failedPartially.map((record) => [record.name, record]));
  const time = (date: Date | undefined) => (date ? date.toISOString().replace("T", " ").slice(0, 19) : "".padEnd(19));
  for (const m of status.applied) {
    const when = time(m.appliedAt);
    const note = m.foreignPattern ? `(foreign: matches foreignMigrations "${m.foreignPattern}")` : STATE_LABEL[m.state];
    const flagged = m.state === "changed" || m.state === "missing-file";
    const half = partial.get(m.name);
    output.line(`  ${c.green("applied")}  ${when}  ${m.name}${note ? `  ${flagged ? c.red(note) : c.dim(note)}` : ""}${half ? `  ${c.red(`failed-partially ${partialNote(half)}`)}` : ""}`);
    if (half) printPartial(output, half);
  }
  for (const name of status.pending) {
    const half = partial.get(name);
    output.line(half ? `  ${c.red("failed-partially")}  ${time(half.failedAt)}  ${name}  ${c.red(partialNote(half))}` : `  ${c.yellow("pending")}  ${"".padEnd(19)}  ${name}`);
    if (half) printPartial(output, half);
  }
  if (!status.applied.length && !status.pending.length) output.line("  (no migrations)");
}

/** ", 2 of them foreign" */
function foreignCount(status: MigrationStatus): string {
  const count = status.applied.filter((m) => m.state === "foreign").length;
  return count ? ` (${count} of them foreign)` : "";
}

/** Applied migrations whose file changed or vanished: migrate and down refuse to run over them (exit 6). */
function brokenMigrations(status: MigrationStatus): MigrationStatus["applied"] {
  return status.applied.filter((m) => m.state === "changed" || m.state === "missing-file");
}

function brokenHint(broken: MigrationStatus["applied"]): string {
  const names = (state: AppliedState) => broken.filter((m) => m.state === state).map((m) => m.name);
  return checksumMismatchHint(names("changed"), names("missing-file"));
}

const PARTIAL_HINT =
  "Undo the statements that took effect (listed above, `--json` has them whole; for a run interrupted mid-migration, `npx authdb check` shows what is there) or make the migration skip them, then run `npx authdb migrate` (or down) again: see \"Recovering from a partial migration\" in docs/cli.md.";

/** The CI gate: changed or missing files first (6), then migrations that failed partway and pending ones (4). */
function checkFailure(status: MigrationStatus): AuthdbError | null {
  const broken = brokenMigrations(status);
  if (broken.length) {
    return new AuthdbError(
      `${broken.length} applied migration${broken.length === 1 ? " does" : "s do"} not match ${broken.length === 1 ? "its file" : "their files"}: ${broken.map((m) => `${m.name} (${m.state === "changed" ? "changed" : "file missing"})`).join(", ")}`,
      ExitCode.changedMigration,
      brokenHint(broken),
    );
  }
  if (status.failedPartially.length) {
    return new AuthdbError(
      `${status.failedPartially.length} migration${status.failedPartially.length === 1 ? "" : "s"} failed partway, with some statements in effect: ${status.failedPartially.map((m) => `${m.name} (${m.direction})`).join(", ")}`,
      ExitCode.pending,
      PARTIAL_HINT,
    );
  }
  if (status.pending.length) {
    return new AuthdbError(`${status.pending.length} pending migration${status.pending.length === 1 ? "" : "s"}: ${status.pending.join(", ")}`, ExitCode.pending, "Run `npx authdb migrate`.");
  }
  return null;
}

/**
 * What is applied and pending, and how output names the database. On a plain PostgreSQL URL it reads
 * through one pg connection (loading Sequelize would otherwise be most of the command's time); elsewhere,
 * and after any failure of that way, through Sequelize like every command, which then reports the failure.
 */
async function readStatus(project: Project, options: StatusOptions): Promise<{ status: MigrationStatus; label: string }> {
  const read = async ({ sequelize, label }: Connection) => ({ status: await readMigrationStatus(sequelize, readMigrationDir(project.migrationsDir)), label });
  const quick = await withPostgresReader(project, options, read).catch(() => undefined);
  return quick ? quick.result : withConnection(project, options, read, { readOnly: true });
}

export async function statusCommand(options: StatusOptions): Promise<void> {
  const output = new Output({ json: options.json });
  const started = performance.now();
  const project = await openProject(options);
  const { status, label } = await readStatus(project, options);
  output.line(`Database: ${label}`);
  output.line(`Migrations: ${relativePath(project.migrationsDir)}${project.migrationsDirFrom ? ` (from ${relativePath(project.migrationsDirFrom)})` : ""}`);
  printStatus(output, status);
  output.line(
    `${status.applied.length} applied${foreignCount(status)}, ${status.pending.length} pending${status.failedPartially.length ? ` (${status.failedPartially.length} failed partway)` : ""}. Lock: ${status.lock.held ? `held by ${describeHolder(status.lock.holder ?? null)}` : "free"}. (${formatDuration(performance.now() - started)})`,
  );
  const configChanges = unmigratedConfigChanges(project);
  warnUnmigratedConfigChanges(output, configChanges);
  const broken = brokenMigrations(status);
  // migrate would refuse (exit 6) before applying anything: sending the user there first wastes a run.
  if (broken.length) output.next(`\`npx authdb migrate\` refuses to run until ${broken.length === 1 ? "the changed or missing migration is" : "the changed or missing migrations are"} settled. ${brokenHint(broken)}`);
  else if (status.failedPartially.length) output.next(PARTIAL_HINT);
  else if (status.pending.length) output.next(`run \`npx authdb migrate\` to apply ${status.pending.length === 1 ? "it" : "them"}.`);
  output.result("status", {
    migrationsDir: project.migrationsDir,
    applied: status.applied.map((m) => ({ name: m.name, appliedAt: m.appliedAt?.toISOString() ?? null, state: m.state, ...(m.foreignPattern ? { foreignPattern: m.foreignPattern } : {}) })),
    pending: status.pending,
    failedPartially: status.failedPartially.map((m) => ({
      name: m.name,
      direction: m.direction,
      failedAt: m.failedAt?.toISOString() ?? null,
      tookEffect: m.tookEffect,
      failedStatement: m.failedStatement,
      error: m.error,
    })),
    unmigratedConfigChanges: configChanges ?? [],
    lock: status.lock.held
      ? { held: true, pid: status.lock.holder?.pid ?? null, host: status.lock.holder?.host ?? null, command: status.lock.holder?.command ?? null, since: status.lock.holder?.since?.toISOString() ?? null }
      : { held: false },
  });
  if (options.check) {
    const failure = checkFailure(status);
    if (failure) throw failure;
  }
}
