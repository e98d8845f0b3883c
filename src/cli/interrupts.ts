import { AuthdbError, ExitCode } from "../errors";
import { Output } from "./output";

const SIGNAL_EXIT_CODES = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated } as const;

/**
 * Ctrl-C or a SIGTERM (a CI job cancelled, a deploy stopped) ends the command as Node would, but says so:
 * an "interrupted" line on stderr and, with --json, the one document a script waits for. Node's own
 * handling prints neither. The database ends what the connection had open (a migration's transaction is
 * rolled back when it drops), so the process exits at once rather than waiting on a query.
 */
export function reportInterrupts(json: boolean): void {
  let interrupted = false;
  const onSignal = (signal: keyof typeof SIGNAL_EXIT_CODES) => {
    if (interrupted) return;
    interrupted = true;
    // A progress bar listening too clears itself in this same emit; the report comes after it.
    setImmediate(() => {
      const exitCode = SIGNAL_EXIT_CODES[signal];
      const error = new AuthdbError(
        `interrupted by ${signal} before the command finished`,
        exitCode,
        "Run `npx authdb status` to see what was applied; a migration that was running was rolled back with its transaction (one run with transaction = false may be partly applied).",
      );
      error.name = "Interrupted";
      new Output({ json }).failure(error);
      process.exit(exitCode);
    });
  };
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as Array<keyof typeof SIGNAL_EXIT_CODES>) process.on(signal, onSignal);
}
