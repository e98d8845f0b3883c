import { performance } from "node:perf_hooks";
import type { Sequelize } from "sequelize";
import { Umzug, type MigrationParams } from "umzug";
import { dialectOf, hasTransactionalDdl, isMysqlFamily } from "../database";
import { AuthdbError, ChangedMigrationError, ExitCode, InvalidInputError, MigrationFailedError } from "../errors";
import { DataLossRefusedError, findLosses, measureContents, previewedLosses, readCatalog, UncheckedRevertError, type Contents, type PreviewedRevert } from "./dataLoss";
import { databaseMessage } from "./databaseMessage";
import type { MigratorEvent, MigratorListener } from "./events";
import { acquireMigrationLock, DEFAULT_LOCK_TIMEOUT_MS, lockLostError, type HeldLock } from "./lock";
import { migrationHistoryOf } from "./historyOptions";
import { MetaStore, type PartialMigration } from "./metaStore";
import { describeLoadError, type MigrationUnit } from "./migrationSource";
import { currentPartials } from "./migrationStatus";
import { INTERRUPTED_ERROR, numbered, PartialMigrationError, RECOVERY_DOC, statementRange, wasInterrupted } from "./partialMigration";
import { PREVIEW_NOTE, withPreview } from "./previewMode";
import { withRunConnection } from "./runConnection";
import { withConfiguredSchema } from "./schemaScope";
import { DEFAULT_STALL_TIMEOUT_MS, MigrationStalledError, withStallWatchdog } from "./stallWatchdog";
import { guardStatements } from "./statementGuard";
import { logStatements, StatementLog, withStatementLog } from "./statementLog";
import { runInTransaction } from "./transactionScope";
import { assertChecksumsMatch, compareChecksums } from "./verifyChecksums";

export interface RunOptions {
  sequelize: Sequelize;
  migrations: MigrationUnit[];
  /** Default 60 s. */
  lockTimeoutMs?: number;
  /** Run although an applied migration's file changed or vanished. */
  allowChanged?: boolean;
  /**
   * Report each migration's SQL and change nothing: executed inside one transaction that is rolled back, or
   * on MySQL/MariaDB (DDL commits) in preview mode, where only reads are sent (previewMode.ts).
   */
  dryRun?: boolean;
  /** Named in the lock, for whoever waits on it. */
  command?: string;
  /** Fail a migration whose up()/down() runs no SQL and does not finish for this long; 0: never. Default 60 s. */
  stallTimeoutMs?: number;
  /**
   * Reverts only: try the reverts first in a transaction that is rolled back (MySQL/MariaDB: in preview mode),
   * and refuse (DataLossRefusedError) when they would drop a table or column that holds data. The CLI's
   * `down` sets it unless --accept-data-loss.
   */
  refuseDataLoss?: boolean;
  onEvent?: MigratorListener;
}

export interface RunResult {
  direction: "up" | "down";
  migrations: Array<{ name: string; durationMs: number }>;
  dryRun: Array<{ name: string; statements: string[]; skipped?: string }>;
  /** Set when the dry run was a preview (MySQL/MariaDB): what its SQL cannot show. */
  previewNote?: string;
  lockWaitMs: number;
}

type Direction = "up" | "down";

/** Thrown at the end of a dry run to roll everything back. */
class DryRunRollback extends Error {}

interface RunState {
  options: RunOptions;
  store: MetaStore;
  lock: HeldLock;
  result: RunResult;
  /** The data-loss probe: runs like a dry run, silently. */
  probing?: boolean;
  /** The migrations the probe reverted, for its message. */
  probed: string[];
  /** In a dry run: the statements of the migration running now. */
  capture?: string[];
  /** Statements are previewed, not sent (MySQL/MariaDB dry run and data-loss probe): reads run, the rest is captured. */
  previewing?: boolean;
  /** The probe in preview mode: what each revert would send. */
  previewed: PreviewedRevert[];
  /** Migrations recorded as failed partway by an earlier run, read when the run starts. */
  partial: Map<string, PartialMigration>;
}

function emit(options: RunOptions, event: MigratorEvent): void {
  options.onEvent?.(event);
}

/** Events of the run the user asked for; the data-loss probe before it says nothing. */
function report(state: RunState, event: MigratorEvent): void {
  if (!state.probing) emit(state.options, event);
}

const LOST_CONNECTION = /^Sequelize(Connection|ConnectionRefused|ConnectionTimedOut|InvalidConnection)Error$|terminating connection|Connection terminated|connection is closed|ECONNRESET|EPIPE|server closed the connection|not queryable|encountered a connection error/i;

/** The database connection died under the migration: not the migration's fault, and not "fix it and retry". */
function isLostConnection(error: unknown): boolean {
  const parent = (error as { parent?: { code?: string; message?: string } })?.parent;
  if (parent?.code === "57P01" || parent?.code === "57P02" || parent?.code === "57P03") return true;
  return error instanceof Error && (LOST_CONNECTION.test(error.name) || LOST_CONNECTION.test(error.message) || LOST_CONNECTION.test(parent?.message ?? ""));
}

const DRY_RUN_NOISE = /^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET (SESSION )?TRANSACTION|BEGIN DEFERRED TRANSACTION|BEGIN IMMEDIATE TRANSACTION)\b/i;

/** Runs one migration's `up` or `down` and records it, in one transaction where the dialect allows. */
async function runStep(state: RunState, unit: MigrationUnit, direction: Direction): Promise<void> {
  const { sequelize } = state.options;
  const dryRun = state.options.dryRun || state.probing;
  const module = loadMigration(unit, direction);
  const fn = module[direction]!;
  const ownTransaction = module.transaction !== false && hasTransactionalDdl(dialectOf(sequelize));
  // Another run may have taken the lock over since the last migration: then this one must not start.
  await state.lock.assertHeld();
  if (dryRun) {
    // The data-loss probe still tries such a down in its transaction: most only drop indexes, which can
    // be rolled back; one that cannot run in a transaction fails there and is reported as unchecked.
    // A preview sends no change at all, so there the migration is shown like any other.
    if (module.transaction === false && !state.probing && !state.previewing) {
      const skipped = "not executed: this migration opts out of transactions (transaction = false), so it cannot be rolled back";
      state.result.dryRun.push({ name: unit.name, statements: [], skipped });
      emit(state.options, { type: "dry-run", name: unit.name, direction, statements: [], skipped });
      return;
    }
    state.capture = [];
  }
  const earlier = dryRun ? undefined : state.partial.get(unit.name);
  if (earlier) {
    report(state, {
      type: "warning",
      message: wasInterrupted(earlier)
        ? `${unit.name} was interrupted in an earlier run${earlier.failedAt ? ` (${earlier.failedAt.toISOString()})` : ""} (killed, or its connection lost), so some of its ${earlier.direction}() may be in effect; running it again from its first statement (\`authdb check\` shows the schema if this fails)`
        : `${unit.name} failed partway in an earlier run${earlier.failedAt ? ` (${earlier.failedAt.toISOString()})` : ""}, after ${statementRange(earlier.tookEffect.length)} of its ${earlier.direction}() took effect; running it again from its first statement`,
    });
  }
  report(state, { type: direction === "up" ? "migrating" : "reverting", name: unit.name });
  const started = performance.now();
  const stallTimeoutMs = state.options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  // Without a transaction, a failure leaves what ran before it: log each statement, to say exactly what.
  const log = !ownTransaction && !dryRun ? new StatementLog(isMysqlFamily(dialectOf(sequelize))) : undefined;
  // On MySQL/MariaDB a kill -9 mid-migration leaves its first statements in effect and no word of it: a
  // record written before it starts, replaced by how it ended, says so if the run never gets to.
  // An earlier run's record already says it may be half done, and says more: it stays until this run ends.
  let writeAhead = Boolean(log) && isMysqlFamily(dialectOf(sequelize)) && !state.probing && !state.previewing && !earlier;
  if (writeAhead) {
    await state.lock.assertHeld();
    try {
      await state.store.recordPartial({ name: unit.name, direction, tookEffect: [], failedStatement: null, error: INTERRUPTED_ERROR });
    } catch (error) {
      // A role with data rights only may not create the bookkeeping table: the migration still runs.
      writeAhead = false;
      report(state, {
        type: "warning",
        message: `could not record ${unit.name} before running it (${databaseMessage(error).split("\n")[0]}), so a run killed mid-migration would not show as interrupted in \`authdb status\`; an admin can create the table once with \`authdb migrate\``,
      });
    }
  }
  const up = () =>
    withStallWatchdog(sequelize, stallTimeoutMs, unit.name, () => new MigrationStalledError(unit.name, direction, stallTimeoutMs), async () => {
      await fn(sequelize.getQueryInterface(), (sequelize as unknown as { Sequelize: unknown }).Sequelize);
    });
  const work = async () => {
    if (log) {
      try {
        await withStatementLog(log, up);
        log.ranToEnd = true;
      } finally {
        log.closed = true;
      }
    } else await up();
    if (dryRun) return;
    // Recorded only by the holder of the lock, in the migration's own transaction.
    await state.lock.assertHeld();
    if (direction === "up") await state.store.recordApplied(unit.name, unit.checksum, performance.now() - started);
    else await state.store.recordReverted(unit.name);
    // It ran to the end this time: what an earlier run left half done is done.
    if (earlier || writeAhead) await state.store.clearPartial(unit.name);
  };
  try {
    // A dry run already runs inside one outer transaction that is rolled back at the end.
    if (ownTransaction && !dryRun) await runInTransaction(sequelize, work);
    else await work();
  } catch (error) {
    if (state.previewing && !(error instanceof AuthdbError)) {
      const message = databaseMessage(error);
      if (state.probing && isOwnRefusal(error)) {
        throw new MigrationFailedError(
          unit.name,
          direction,
          message,
          "Nothing was changed: its down() refused when previewed, and would refuse the same way when run. Do what the message says, then run down again. (If the preview itself misled it, --accept-data-loss runs the revert without the check.)",
        );
      }
      if (state.probing) throw new UncheckedRevertError(`${unit.name}'s down() failed when previewed (${message})`);
      throw new MigrationFailedError(
        unit.name,
        direction,
        message,
        "This was a dry run: only reads were sent, nothing was changed. A step that reads what an earlier step of the preview would have written fails this way; otherwise fix the migration and run again.",
      );
    }
    if (state.probing && module.transaction === false && !(error instanceof AuthdbError)) {
      throw new UncheckedRevertError(`${unit.name} opts out of transactions (transaction = false), and its down could not be tried in one (${databaseMessage(error)})`);
    }
    const dialect = dialectOf(sequelize);
    let lost = state.lock.lostReason();
    // The run's statements go through the lock's own connection (MySQL/MariaDB): a statement that failed
    // because that connection died may be seen before the connection's `end` event; ask.
    if (!lost && state.lock.connection) {
      await state.lock.assertHeld().catch(() => undefined);
      lost = state.lock.lostReason();
    }
    if (lost) {
      const lostError = lockLostError(dialect, `${lost}, while ${unit.name} (${direction}) ran`);
      // Without the lock this run writes nothing more, not even the record of what took effect: say it here.
      if (log?.tookEffect.length) {
        lostError.message += `\n${unit.name} ran without a transaction. Took effect before it stopped (they remain):\n${numbered(log.tookEffect)}\nNot run: the rest of ${direction}().`;
      }
      throw lostError;
    }
    if (log?.tookEffect.length) throw await partialFailure(state, unit, direction, log, error, earlier);
    // Nothing took effect: the record written before it started goes (unless the connection is gone, when
    // the statement in flight may have; the record then stays, saying the outcome is not known).
    if (writeAhead && !isLostConnection(error)) await state.store.clearPartial(unit.name).catch(() => undefined);
    // An earlier run left it half done, and this one changed nothing more: that record still holds.
    if (earlier && !(error instanceof AuthdbError)) {
      throw new MigrationFailedError(
        unit.name,
        direction,
        databaseMessage(error),
        `An earlier run left it partly done (\`authdb status\` lists what took effect), and this run changed nothing more: undo that by hand or make the migration skip what already exists, then run again; see ${RECOVERY_DOC}.`,
      );
    }
    if (error instanceof AuthdbError) throw error;
    if (isLostConnection(error)) {
      throw new AuthdbError(
        `lost the database connection while ${unit.name} (${direction}) ran: ${databaseMessage(error)}`,
        ExitCode.migrationFailed,
        ownTransaction
          ? "The server rolled the migration's transaction back: nothing of it remains. Check the server (or whoever ended the connection), then run again."
          : "The migration ran without a transaction, and none of its statements had taken effect. Check the server (or whoever ended the connection), then run again.",
      );
    }
    const hint = ownTransaction
      ? "The migration ran in a transaction that was rolled back: nothing of it remains. Fix it and run again."
      : `It ran without a transaction${isMysqlFamily(dialect) ? ` (${dialect} commits DDL implicitly)` : ""}, and none of its statements had taken effect: fix it and run again.`;
    throw new MigrationFailedError(unit.name, direction, databaseMessage(error), hint);
  }
  const durationMs = performance.now() - started;
  if (state.probing) {
    state.probed.push(unit.name);
    if (state.previewing) state.previewed.push({ name: unit.name, statements: state.capture ?? [] });
    state.capture = undefined;
    return;
  }
  if (dryRun) {
    const statements = state.capture ?? [];
    state.capture = undefined;
    state.result.dryRun.push({ name: unit.name, statements });
    emit(state.options, { type: "dry-run", name: unit.name, direction, statements });
    return;
  }
  state.result.migrations.push({ name: unit.name, durationMs });
  report(state, { type: direction === "up" ? "migrated" : "reverted", name: unit.name, durationMs });
}

/**
 * A migration without a transaction failed after some of its statements took effect: record that (under
 * the lock, for `authdb status` and the next run) and report exactly what stays and what did not run.
 */
async function partialFailure(state: RunState, unit: MigrationUnit, direction: Direction, log: StatementLog, error: unknown, earlier?: PartialMigration): Promise<Error> {
  const failedStatement = log.failedStatement(error);
  const message = databaseMessage(error);
  // What an earlier failed run left stays in effect too: the record keeps it, then adds this run's.
  const carried = earlier && earlier.direction === direction ? earlier.tookEffect : [];
  const tookEffect = [...carried, ...log.tookEffect.filter((sql) => !carried.includes(sql))];
  const note = earlier && wasInterrupted(earlier) ? " (an earlier run was interrupted mid-migration: more of it may be in effect)" : "";
  let recorded: true | string = true;
  try {
    await state.lock.assertHeld();
    await state.store.recordPartial({ name: unit.name, direction, tookEffect, failedStatement, error: `${message}${note}`.slice(0, 4000) });
  } catch (recordError) {
    recorded = databaseMessage(recordError).split("\n")[0];
  }
  const partial = new PartialMigrationError(unit.name, direction, message, log.tookEffect, failedStatement, recorded, log.ranToEnd);
  if (!(error instanceof AuthdbError)) return partial;
  // authdb's own verdict (a stall) stays what it is; the list of what took effect is added to it.
  error.message += `\n${partial.message.slice(partial.message.indexOf("\nIt ran without a transaction") + 1)}`;
  return error;
}

function loadMigration(unit: MigrationUnit, direction: Direction) {
  let module;
  try {
    module = unit.load();
  } catch (error) {
    throw new MigrationFailedError(unit.name, direction, `cannot be loaded: ${describeLoadError(error, unit.path)}`, "Fix the file and run again.");
  }
  if (typeof module?.[direction] !== "function") {
    throw new MigrationFailedError(unit.name, direction, `exports no ${direction}() function`, "A migration exports { async up(queryInterface, Sequelize) {…}, async down(…) {…} }.");
  }
  return module;
}

function createUmzug(state: RunState) {
  return new Umzug({
    migrations: state.options.migrations.map((unit) => ({
      name: unit.name,
      path: unit.path,
      up: async () => runStep(state, unit, "up"),
      down: async () => runStep(state, unit, "down"),
    })),
    context: {},
    // Umzug only reads from storage here: runStep writes SequelizeMeta inside the migration's own transaction.
    storage: {
      executed: async () => (await state.store.listApplied()).map((m) => m.name),
      logMigration: async (_: MigrationParams<unknown>) => undefined,
      unlogMigration: async (_: MigrationParams<unknown>) => undefined,
    },
    logger: undefined,
  });
}

/** Umzug wraps what a migration throws; give back ours, or a clear message for an unknown `--to`. */
function unwrapUmzugError(error: unknown): unknown {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if (current instanceof AuthdbError || current instanceof DryRunRollback) return current;
  }
  const message = (error as Error)?.message ?? "";
  const unknownName = /Couldn't find migration to apply with name "(.*)"/.exec(message);
  if (unknownName) return new InvalidInputError(`no migration named "${unknownName[1]}"`, "Run `authdb status` to list migration names.");
  return error;
}

/** Adds a statement to the running migration's list in a dry run (transaction control left out). */
/** An error a migration's own code threw (a refusal it states), not one the database or Sequelize raised. */
function isOwnRefusal(error: unknown): boolean {
  if (!(error instanceof Error) || error.name.startsWith("Sequelize")) return false;
  return !("parent" in error) && !("original" in error) && !("sql" in error) && !("errno" in error);
}

function captureStatement(state: RunState, sql: string): void {
  if (state.capture && !DRY_RUN_NOISE.test(sql)) state.capture.push(sql);
}

/** Wraps `sequelize.options.logging` for a dry run, so each statement lands in the running migration's list. */
function captureStatements(state: RunState): () => void {
  const options = (state.options.sequelize as unknown as { options: { logging?: unknown } }).options;
  const had = Object.prototype.hasOwnProperty.call(options, "logging");
  const previous = options.logging;
  options.logging = (message: string) => captureStatement(state, String(message).replace(/^Executing \([^)]*\): /, ""));
  return () => {
    if (had) options.logging = previous;
    else delete options.logging;
  };
}

async function runUnderLock(options: RunOptions, direction: Direction, body: (umzug: ReturnType<typeof createUmzug>, state: RunState) => Promise<unknown>): Promise<RunResult> {
  const { sequelize } = options;
  const waitStarted = performance.now();
  const lock = await acquireMigrationLock(sequelize, {
    timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    command: options.command ?? (direction === "up" ? "migrate" : "down"),
    onWaiting: (holder) => emit(options, { type: "lock-waiting", holder }),
    leaveNoTrace: options.dryRun,
  });
  const state: RunState = {
    options,
    store: new MetaStore(sequelize),
    lock,
    probed: [],
    previewed: [],
    partial: new Map(),
    result: { direction, migrations: [], dryRun: [], lockWaitMs: performance.now() - waitStarted },
  };
  const unguard = guardStatements(sequelize, lock);
  const unlog = logStatements(sequelize);
  emit(options, { type: "lock-acquired", waitedMs: state.result.lockWaitMs });
  const run = () => withConfiguredSchema(sequelize, () => runLocked(state, body));
  try {
    // MySQL/MariaDB: the run's every statement on the lock's own connection, so they share fate.
    return await (lock.connection ? withRunConnection(sequelize, lock.connection as object, run) : run());
  } catch (error) {
    throw unwrapUmzugError(error);
  } finally {
    unguard();
    unlog();
    // A failed release must not hide what happened under the lock; the lock frees itself anyway when
    // its connection closes (PostgreSQL, MySQL) or its process is gone (SQLite).
    await lock.release().catch((releaseError: unknown) => {
      emit(options, { type: "warning", message: `could not release the migration lock cleanly (${(releaseError as Error)?.message ?? releaseError}); it is freed when this process exits` });
    });
  }
}

/** The run itself, with the lock held: records ensured, checksums checked, then `body` (in one rolled-back transaction for a dry run). */
async function runLocked(state: RunState, body: (umzug: ReturnType<typeof createUmzug>, state: RunState) => Promise<unknown>): Promise<RunResult> {
  const { options } = state;
  const umzug = createUmzug(state);
  const prepareAndRun = async () => {
    await state.store.ensureTables();
    const records = await state.store.listPartial();
    // The history is read only when there is a record to weigh against it (most runs have none).
    const current = records.length ? currentPartials(records, new Set((await state.store.listApplied()).map((m) => m.name))) : [];
    // Records the database has outgrown (their migration was completed another way) are dropped, under the lock.
    if (!options.dryRun) for (const stale of records.filter((record) => !current.includes(record))) await state.store.clearPartial(stale.name);
    state.partial = new Map(current.map((record) => [record.name, record]));
    if (!options.allowChanged) {
      assertChecksumsMatch(compareChecksums(await state.store.listApplied(), options.migrations, migrationHistoryOf(options.sequelize).isForeign));
    }
    if (options.refuseDataLoss && state.result.direction === "down" && !options.dryRun) await refuseDataLoss(state, () => body(umzug, state));
    await body(umzug, state);
  };
  if (!options.dryRun) {
    await prepareAndRun();
    return state.result;
  }
  const restoreLogging = captureStatements(state);
  if (!hasTransactionalDdl(dialectOf(options.sequelize))) {
    // MySQL/MariaDB: DDL cannot be rolled back, so nothing but reads is sent (authdb's own tables included).
    state.previewing = true;
    try {
      await withPreview(options.sequelize, (sql) => captureStatement(state, sql), prepareAndRun);
    } catch (error) {
      throw unwrapUmzugError(error);
    } finally {
      state.previewing = false;
      restoreLogging();
    }
    state.result.previewNote = PREVIEW_NOTE;
    return state.result;
  }
  try {
    await runInTransaction(options.sequelize, async () => {
      await prepareAndRun();
      throw new DryRunRollback("dry run");
    });
  } catch (error) {
    if (!(unwrapUmzugError(error) instanceof DryRunRollback)) throw error;
  } finally {
    restoreLogging();
  }
  return state.result;
}

/**
 * Runs the reverts once in a transaction that is rolled back, counts every table's rows and every column's
 * values before and after, and refuses (before anything changed) when any went missing: a dropped table or
 * column that held data, deleted rows, values set to NULL.
 * The whole revert is tried at once, so `down --to 0` is refused as a whole, not after its first steps.
 */
async function refuseDataLoss(state: RunState, revert: () => Promise<unknown>): Promise<void> {
  const { sequelize } = state.options;
  const dialect = dialectOf(sequelize);
  if (!hasTransactionalDdl(dialect)) return refuseDataLossByPreview(state, revert);
  let before: Contents = new Map();
  let after: Contents = new Map();
  state.probing = true;
  try {
    await runInTransaction(sequelize, async () => {
      before = await measureContents(sequelize, await readCatalog(sequelize));
      await revert();
      after = await measureContents(sequelize, await readCatalog(sequelize));
      throw new DryRunRollback("data-loss probe");
    });
  } catch (error) {
    const cause = unwrapUmzugError(error);
    if (!(cause instanceof DryRunRollback)) throw cause;
  } finally {
    state.probing = false;
  }
  const reverting = state.probed.splice(0);
  const losses = findLosses(before, after);
  if (losses.length) throw new DataLossRefusedError(losses, reverting);
}

/**
 * The data-loss check where DDL cannot be rolled back (MySQL/MariaDB): the reverts run in preview mode
 * (reads sent, nothing else), and what they would drop is counted from outside the revert (dataLoss.ts
 * previewedLosses). Refuses exactly as the transactional check does; nothing was changed either way.
 */
async function refuseDataLossByPreview(state: RunState, revert: () => Promise<unknown>): Promise<void> {
  const { sequelize } = state.options;
  state.probing = true;
  state.previewing = true;
  try {
    // Only what the reverts would change is weighed: their reads ran, and are not captured here.
    await withPreview(sequelize, (sql) => captureStatement(state, sql), revert);
  } catch (error) {
    throw unwrapUmzugError(error);
  } finally {
    state.probing = false;
    state.previewing = false;
  }
  const reverting = state.probed.splice(0);
  const losses = await previewedLosses(sequelize, state.previewed.splice(0));
  if (losses.length) throw new DataLossRefusedError(losses, reverting);
}

/** A `--to` that names no migration is a typo: refuse it before taking the lock or creating any table. */
function assertKnownTarget(options: RunOptions, to: string | 0 | undefined): void {
  if (to === undefined || to === 0 || to === "0") return;
  if (!options.migrations.some((unit) => unit.name === to)) {
    throw new InvalidInputError(`no migration named "${to}"`, "Run `authdb status` to list migration names.");
  }
}

/** Applies pending migrations in name order, up to and including `to` when given. */
export async function applyMigrations(options: RunOptions & { to?: string }): Promise<RunResult> {
  assertKnownTarget(options, options.to);
  return runUnderLock(options, "up", async (umzug) => {
    // Umzug rejects a `to` that is already applied; here that simply means nothing is left to do.
    if (options.to && !(await umzug.pending()).some((m) => m.name === options.to)) return;
    return umzug.up(options.to ? { to: options.to } : {});
  });
}

/** The applied migrations a down would revert, newest first. */
function revertTargets(applied: string[], options: { to?: string | 0; step?: number }): string[] {
  const newestFirst = [...applied].reverse();
  if (options.to === 0 || options.to === "0") return newestFirst;
  if (options.to !== undefined) {
    const to = options.to;
    return applied.includes(to) ? newestFirst.filter((name) => name >= to) : [];
  }
  return newestFirst.slice(0, options.step ?? 1);
}

/**
 * Umzug skips applied migrations that have no file, so `down` would revert the next older one while the
 * newer stays recorded. A down needs the file's own down(): refuse, even with --allow-changed.
 */
function assertRevertable(targets: string[], units: MigrationUnit[]): void {
  const known = new Set(units.map((unit) => unit.name));
  const missing = targets.filter((name) => !known.has(name));
  if (!missing.length) return;
  throw new ChangedMigrationError(
    `cannot revert ${missing.join(", ")}: applied, but the file is missing`,
    "Restore the file (e.g. git checkout) and run down again: a revert runs the file's own down(). If another migrations folder applied it, declare it in authdb.config (foreignMigrations) and down passes over it.",
  );
}

/** Reverts the last migration, the last `step`, or down to `to` (`0` or "0": all), newest first. */
export async function revertMigrations(options: RunOptions & { to?: string | 0; step?: number }): Promise<RunResult> {
  assertKnownTarget(options, options.to);
  return runUnderLock(options, "down", async (umzug, state) => {
    // Rows another migrations folder applied (foreignMigrations) are not ours to revert: a down passes over them.
    const { isForeign } = migrationHistoryOf(options.sequelize);
    const known = new Set(options.migrations.map((unit) => unit.name));
    const ours = (await state.store.listApplied()).map((m) => m.name).filter((name) => known.has(name) || !isForeign(name));
    assertRevertable(revertTargets(ours, options), options.migrations);
    if (options.to === 0 || options.to === "0") return umzug.down({ to: 0 });
    // Reverting "down to" a migration that is not applied: nothing of it is left to revert.
    if (options.to !== undefined && !(await umzug.executed()).some((m) => m.name === options.to)) return;
    if (options.to !== undefined) return umzug.down({ to: options.to });
    return umzug.down({ step: options.step ?? 1 });
  });
}
