import { MigrationFailedError } from "../errors";

/** Where docs/cli.md explains what to do with a migration that stopped partway. */
export const RECOVERY_DOC = 'docs/cli.md, "Recovering from a partial migration"';

/**
 * The record written before a MySQL/MariaDB migration starts, replaced by the real outcome when it ends.
 * If it is still there afterwards, the run never got to say how it ended: killed (kill -9, a host that went
 * away) or cut off from the database, with some of its statements possibly in effect.
 */
export const INTERRUPTED_ERROR =
  "interrupted: the run stopped (killed, or its connection lost) before this migration finished, so which of its statements took effect is not known";

export const wasInterrupted = (record: { error: string; failedStatement: string | null; tookEffect: string[] }) =>
  record.error === INTERRUPTED_ERROR && record.failedStatement === null && record.tookEffect.length === 0;

/** `1. CREATE TABLE …` lines, numbered from `from`. */
export function numbered(statements: string[], from = 1, indent = "  "): string {
  return statements.map((sql, i) => `${indent}${from + i}. ${sql}`).join("\n");
}

/** "statement 1", "statements 1–2". */
export function statementRange(count: number): string {
  return count === 1 ? "statement 1" : `statements 1–${count}`;
}

/** What a migration that ran without a transaction left behind when it stopped, for an error message. */
export function partialReport(direction: "up" | "down", tookEffect: string[], failedStatement: string | null, ranToEnd = false): string {
  if (ranToEnd) {
    return [`It ran without a transaction. All of its ${direction}() ran and took effect (it remains):`, numbered(tookEffect), `Failed: recording it as ${direction === "up" ? "applied" : "reverted"}.`].join("\n");
  }
  return [
    "It ran without a transaction and stopped partway. Took effect (they remain):",
    numbered(tookEffect),
    failedStatement !== null ? `Failed:\n  ${tookEffect.length + 1}. ${failedStatement}` : `Failed: its own code, after statement ${tookEffect.length} (above).`,
    `Not run: the rest of ${direction}().`,
  ].join("\n");
}

/**
 * A migration that ran without a transaction and failed after some of its statements took effect (every
 * MySQL/MariaDB migration; `transaction = false` ones elsewhere). The message lists them, numbered, then
 * the failing statement with the server's error, and says the rest did not run. `--json` readers see the
 * same kind as any failed migration (MigrationFailedError); `authdb status` shows it as failed-partially.
 */
export class PartialMigrationError extends MigrationFailedError {
  constructor(
    migration: string,
    direction: "up" | "down",
    databaseMessage: string,
    readonly tookEffect: string[],
    readonly failedStatement: string | null,
    recorded: boolean | string,
    ranToEnd = false,
  ) {
    const undo = direction === "up" ? `Undo ${statementRange(tookEffect.length)} by hand, or make the migration skip what already exists` : `Redo ${statementRange(tookEffect.length)} of the revert by hand, or make down() skip what is already gone`;
    super(
      migration,
      direction,
      databaseMessage,
      `${recorded === true ? "Recorded as failed-partially (`authdb status` lists it). " : ""}${undo}, fix what failed, then run \`authdb ${direction === "up" ? "migrate" : "down"}\` again: see ${RECOVERY_DOC}.`,
    );
    this.name = "MigrationFailedError";
    this.message += `\n${partialReport(direction, tookEffect, failedStatement, ranToEnd)}`;
    if (typeof recorded === "string") this.message += `\nThis could not be recorded for \`authdb status\`: ${recorded}`;
  }
}
