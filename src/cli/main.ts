import { CommanderError } from "commander";
import { AuthdbError, ExitCode } from "../errors";
import { Output } from "./output";
import { buildProgram } from "./program";

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
    if (error instanceof AuthdbError) {
      output.failure(error);
      return error.exitCode;
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
