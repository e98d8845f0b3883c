import { CommanderError } from "commander";
import { toConnectionError } from "../database";
import { AuthdbError, ExitCode, InvalidInputError } from "../errors";
import { databaseMessage } from "../migrator/databaseMessage";
import { currentActivity } from "./activity";
import { reportInterrupts } from "./interrupts";
import { commandNamed, commandStarted } from "./jsonEnvelope";
import { reserveStdoutForJson } from "./jsonStdout";
import { Output } from "./output";
import { buildProgram } from "./program";

/**
 * A database error outside a migration (a dropped connection, a missing privilege) is the database's
 * word, not a bug of ours: its message, no stack trace, the documented exit code.
 */
function asAuthdbError(error: unknown): AuthdbError | null {
  if (error instanceof AuthdbError) return error;
  const fileProblem = fileSystemError(error);
  if (fileProblem) return fileProblem;
  if (!(error instanceof Error) || !error.name.startsWith("Sequelize")) return null;
  const connection = toConnectionError(error, "the database");
  if (connection instanceof AuthdbError) return connection;
  return new AuthdbError(`the database refused a statement: ${databaseMessage(error)}`, ExitCode.migrationFailed, "Check the database user's privileges and that the server is healthy, then run the command again.");
}

const FILE_ERRORS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder",
  ENAMETOOLONG: "the name is too long for the file system",
  ENOSPC: "the disk is full",
  EROFS: "the file system is read-only",
  EEXIST: "it already exists",
};

/** A file the user's setup does not let us read or write is their situation to fix, not a bug of ours. */
function fileSystemError(error: unknown): AuthdbError | null {
  const { code, path: file, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  if (!code || !file || !(code in FILE_ERRORS)) return null;
  return new InvalidInputError(`cannot ${syscall ?? "use"} ${file}: ${code} (${FILE_ERRORS[code]})`, "Check the path and its permissions, then run the command again.");
}

/** Runs the CLI and returns the exit code; user mistakes print a message and a hint, never a stack. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  // The --json document names the command and times it from the start of its action (jsonEnvelope.ts).
  program.hook("preAction", (_program, action) => commandStarted(action.name()));
  for (const command of program.commands) {
    command.exitOverride((error) => {
      commandNamed(command.name());
      throw error;
    });
  }
  const json = argv.includes("--json");
  try {
    await program.parseAsync(argv);
    const code = typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
    new Output({ json }).finish(code);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "fail" with exit code 0; a bad option is invalid input.
      if (error.exitCode === 0) return ExitCode.ok;
      new Output({ json }).usageError(error, ExitCode.invalidInput);
      return ExitCode.invalidInput;
    }
    const output = new Output({ json });
    const known = asAuthdbError(error);
    if (known) {
      output.failure(known);
      return known.exitCode;
    }
    output.crash(error);
    return ExitCode.migrationFailed;
  }
}

/** `authdb status | head -2`: the reader left. That is the user's choice, not an error to print a stack for. */
function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
      throw error;
    });
  }
}

/**
 * Node exits 0 when its event loop runs empty, even while a command still awaits a promise that nothing
 * can settle any more (a migration's up() that never resolves, a config exporting such a Promise). A CLI
 * must not report success it did not reach: that is exit 1, naming what it was waiting on.
 */
function guardUnfinishedExit(argv: string[], isFinished: () => boolean): void {
  const onBeforeExit = () => {
    if (isFinished()) return;
    process.off("beforeExit", onBeforeExit);
    const error = new AuthdbError(
      `authdb stopped before the command finished: it was waiting on ${currentActivity()}, and nothing is left that could end that wait (a promise that never settles)`,
      ExitCode.migrationFailed,
      "Make sure every promise in your config and migration files settles (resolves or rejects); nothing after this point ran.",
    );
    new Output({ json: argv.includes("--json") }).failure(error);
    process.exitCode = error.exitCode;
  };
  process.on("beforeExit", onBeforeExit);
}

export function main(argv: string[] = process.argv): void {
  ignoreClosedPipes();
  const json = argv.includes("--json");
  if (json) reserveStdoutForJson();
  reportInterrupts(json);
  let finished = false;
  guardUnfinishedExit(argv, () => finished);
  runCli(argv).then(
    (code) => {
      finished = true;
      process.exitCode = code;
    },
    (error) => {
      finished = true;
      console.error(error);
      process.exitCode = ExitCode.migrationFailed;
    },
  );
}
