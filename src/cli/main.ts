import { CommanderError } from "commander";
import { toConnectionError } from "../database";
import { AuthdbError, ExitCode } from "../errors";
import { databaseMessage } from "../migrator/databaseMessage";
import { Output } from "./output";
import { buildProgram } from "./program";

/**
 * A database error outside a migration (a dropped connection, a missing privilege) is the database's
 * word, not a bug of ours: its message, no stack trace, the documented exit code.
 */
function asAuthdbError(error: unknown): AuthdbError | null {
  if (error instanceof AuthdbError) return error;
  if (!(error instanceof Error) || !error.name.startsWith("Sequelize")) return null;
  const connection = toConnectionError(error, "the database");
  if (connection instanceof AuthdbError) return connection;
  return new AuthdbError(`the database refused a statement: ${databaseMessage(error)}`, ExitCode.migrationFailed, "Check the database user's privileges and that the server is healthy, then run the command again.");
}

/** Runs the CLI and returns the exit code; user mistakes print a message and a hint, never a stack. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  const json = argv.includes("--json");
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "fail" with exit code 0; a bad option is invalid input.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
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

export function main(argv: string[] = process.argv): void {
  runCli(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error);
      process.exitCode = ExitCode.migrationFailed;
    },
  );
}
