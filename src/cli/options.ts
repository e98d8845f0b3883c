import { InvalidArgumentError, type Command } from "commander";

/** Adds the options every command takes; `json` where the command's output is data. */
export function withGlobalOptions(command: Command, { json = true } = {}): Command {
  command
    .option("-c, --config <file>", "config file (default: authdb.config.{ts,mts,cts,js,mjs,cjs,json} in the working directory)")
    .option("-u, --url <database-url>", "database URL; wins over config url and DATABASE_URL");
  if (json) command.option("--json", "print one JSON document on stdout (progress goes to stderr)");
  return command;
}

/** The options of every command that runs migrations: how long to wait for the lock, and for a stuck migration. */
export function withRunOptions(command: Command): Command {
  return command
    .option("--lock-timeout <seconds>", "how long to wait for another run's migration lock (exit code 3 after)", parseSeconds, 60)
    .option(
      "--stall-timeout <seconds>",
      "fail a migration whose up()/down() has neither finished nor run any SQL for this long (exit code 1); 0: never",
      parseSeconds,
      60,
    );
}

export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new InvalidArgumentError("expected a number of seconds, e.g. 60");
  return seconds;
}

export function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return n;
}
