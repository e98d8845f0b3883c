/**
 * The CI contract: one exit code per kind of outcome, the same in every command (docs/cli.md).
 */
export const ExitCode = {
  ok: 0,
  migrationFailed: 1,
  invalidInput: 2,
  lockTimeout: 3,
  pending: 4,
  drift: 5,
  changedMigration: 6,
  /** 128 + the signal's number, as a shell reports a process a signal ended. */
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An outcome the user can act on: the CLI prints `message` and `hint` (never a stack trace)
 * and exits with `exitCode`.
 */
export class AuthdbError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Config, option or URL the user must correct. */
export class InvalidInputError extends AuthdbError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.invalidInput, hint);
  }
}

export class DatabaseUnreachableError extends AuthdbError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.invalidInput, hint);
  }
}

export class LockTimeoutError extends AuthdbError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.lockTimeout, hint);
  }
}

/** A migration's SQL failed; `cause` is the database's own error, printed in full. */
export class MigrationFailedError extends AuthdbError {
  constructor(
    readonly migration: string,
    readonly direction: "up" | "down",
    readonly databaseMessage: string,
    hint?: string,
  ) {
    super(`${migration} (${direction}) failed: ${databaseMessage}`, ExitCode.migrationFailed, hint);
  }
}

export class ChangedMigrationError extends AuthdbError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.changedMigration, hint);
  }
}

/**
 * The migration lock was lost mid-run (its connection was killed, timed out or dropped by a pooler).
 * Another run may hold it now, so this run stops before its next statement: no migration runs twice.
 */
export class LockLostError extends AuthdbError {
  constructor(readonly reason: string) {
    super(
      `lost the migration lock (${reason}); this run stopped so that no migration runs twice`,
      ExitCode.migrationFailed,
      "Run `authdb status` to see what is applied, then run the command again. Connect directly, not through a transaction-mode pooler, and check idle_session_timeout.",
    );
  }
}
