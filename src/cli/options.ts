import { InvalidArgumentError, type Command } from "commander";
import type { Dialect } from "../database/databaseUrl";
import type { ColumnRename } from "../migrations/planSchemaChanges";
import { DEFAULT_BATCH_SIZE } from "../prune/types";
import { MODEL_NAMES, type ModelName } from "../schema/types";

const URL_HELP = "database URL; wins over config url and DATABASE_URL";

/** Adds the options every command takes; `json` where the command's output is data. */
export function withGlobalOptions(command: Command, { json = true, urlHelp = URL_HELP } = {}): Command {
  command
    .option("-c, --config <file>", "config file (default: authdb.config.{ts,mts,cts,js,mjs,cjs,json} in the working directory)")
    .option("-u, --url <database-url>", urlHelp);
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

export function parseBatchSize(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number of rows of at least 1, e.g. ${DEFAULT_BATCH_SIZE} (the default)`);
  }
  return n;
}

const DIALECTS: Dialect[] = ["postgres", "sqlite", "mysql", "mariadb"];

export function parseDialect(value: string): Dialect {
  if (!(DIALECTS as string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${DIALECTS.join(", ")}`);
  return value as Dialect;
}

/** `--rename User.phone=phoneNumber`, repeatable: each adds to the list. */
export function parseRename(value: string, previous: ColumnRename[]): ColumnRename[] {
  const match = /^(\w+)\.(\w+)=(\w+)$/.exec(value.trim());
  if (!match || !(MODEL_NAMES as readonly string[]).includes(match[1])) {
    throw new InvalidArgumentError(`expected Model.oldName=newName with Model one of ${MODEL_NAMES.join(", ")}, e.g. User.phone=phoneNumber`);
  }
  return [...previous, { model: match[1] as ModelName, from: match[2], to: match[3] }];
}
