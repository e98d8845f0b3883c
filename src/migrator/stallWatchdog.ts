import { AsyncLocalStorage } from "node:async_hooks";
import type { Sequelize } from "sequelize";
import { AuthdbError, ExitCode } from "../errors";

/** A migration's up()/down() that neither finishes nor runs SQL for this long is stuck (its promise never settles). */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

export class MigrationStalledError extends AuthdbError {
  constructor(migration: string, direction: "up" | "down", timeoutMs: number) {
    super(
      `${migration} (${direction}) stalled: its ${direction}() has not finished and has run no SQL statement for ${formatSeconds(timeoutMs)}`,
      ExitCode.migrationFailed,
      "A promise in the migration never settles (a missing await or resolve?). It was rolled back where it ran in a transaction. " +
        "If it really waits that long without SQL, raise --stall-timeout (0: never).",
    );
  }
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(3))} s`;
}

/** The migration each statement comes from, so one that was given up on can be stopped for good. */
const migrationRun = new AsyncLocalStorage<{ abandoned: boolean; name: string }>();
const guarded = new WeakSet<Sequelize>();

/**
 * A stalled migration's code is given up on, not stopped: if its promise wakes up later, its statements
 * would run without the lock or the transaction. A permanent hook refuses every statement from its context.
 */
function refuseAbandonedStatements(sequelize: Sequelize): void {
  if (guarded.has(sequelize)) return;
  guarded.add(sequelize);
  sequelize.addHook("beforeQuery", "authdb-abandoned-migration", () => {
    const run = migrationRun.getStore();
    if (run?.abandoned) throw new AuthdbError(`${run.name} was given up on after it stalled; its late statements are refused`, ExitCode.migrationFailed);
  });
}

/**
 * Races `work` against a watchdog that fails it when no statement has run or finished for `timeoutMs`
 * while `work` is pending. A long statement (an index build) is in flight, so it never counts as a stall.
 * The watchdog's timer is unref'd: where nothing else is alive (SQLite), the CLI's empty-event-loop guard
 * reports the stuck promise at once instead.
 */
export async function withStallWatchdog<T>(sequelize: Sequelize, timeoutMs: number, migration: string, onStall: () => Error, work: () => Promise<T>): Promise<T> {
  if (!(timeoutMs > 0)) return work();
  const run = { abandoned: false, name: migration };
  let inFlight = 0;
  let lastActivity = Date.now();
  const name = `authdb-stall-${Math.random().toString(36).slice(2)}`;
  sequelize.addHook("beforeQuery", `${name}-before`, () => {
    inFlight++;
    lastActivity = Date.now();
  });
  sequelize.addHook("afterQuery", `${name}-after`, () => {
    inFlight = Math.max(0, inFlight - 1);
    lastActivity = Date.now();
  });
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (inFlight === 0 && Date.now() - lastActivity >= timeoutMs) {
        run.abandoned = true;
        refuseAbandonedStatements(sequelize);
        reject(onStall());
      }
    }, Math.min(1_000, Math.max(50, timeoutMs / 4)));
    timer.unref();
  });
  const running = migrationRun.run(run, work);
  // Abandoned when it stalls: whatever it does later must not surface as an unhandled rejection.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, stalled]);
  } finally {
    clearInterval(timer);
    sequelize.removeHook("beforeQuery", `${name}-before`);
    sequelize.removeHook("afterQuery", `${name}-after`);
  }
}
