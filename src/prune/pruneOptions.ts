import { InvalidInputError } from "../errors";
import { DEFAULT_BATCH_SIZE, type PruneListener, type PruneOptions } from "./types";

export interface PruneSettings {
  batchSize: number;
  dryRun: boolean;
  countFirst: boolean;
  now: Date;
  onEvent?: PruneListener;
}

const KNOWN = ["batchSize", "dryRun", "countFirst", "now", "onEvent"];

const describe = (value: unknown) => (typeof value === "string" ? JSON.stringify(value) : value instanceof Date ? "an invalid Date" : String(value));

/**
 * Checks prune's options with exact types before any SQL: the batch size reaches a LIMIT, and a typo such
 * as `batch_size` silently falling back to the default would hide a mistake in a cron job.
 */
export function validatePruneOptions(options: PruneOptions | undefined): PruneSettings {
  if (options === undefined) options = {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new InvalidInputError("prune(sequelize, config, options): options must be an object", "Pass e.g. { batchSize: 5000, dryRun: true }, or leave options out.");
  }
  const unknown = Object.keys(options).filter((key) => !KNOWN.includes(key));
  if (unknown.length) {
    throw new InvalidInputError(`prune options: unknown option${unknown.length === 1 ? "" : "s"} ${unknown.map((k) => `"${k}"`).join(", ")}`, `Known options: ${KNOWN.join(", ")}.`);
  }
  const { batchSize = DEFAULT_BATCH_SIZE, dryRun = false, countFirst = false, now = new Date(), onEvent } = options;
  if (typeof batchSize !== "number" || !Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new InvalidInputError(
      `prune options: batchSize must be a whole number of at least 1 (got ${describe(batchSize)})`,
      `Pass the rows to delete per statement, e.g. batchSize: ${DEFAULT_BATCH_SIZE} (the default).`,
    );
  }
  if (typeof dryRun !== "boolean") throw new InvalidInputError(`prune options: dryRun must be true or false (got ${describe(dryRun)})`, "Pass dryRun: true to only count the expired rows.");
  if (typeof countFirst !== "boolean") throw new InvalidInputError(`prune options: countFirst must be true or false (got ${describe(countFirst)})`, "Pass countFirst: true to get a pruning event with the rows about to be removed.");
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new InvalidInputError(`prune options: now must be a valid Date (got ${describe(now)})`, "Leave now out to use the current time, or pass a Date such as new Date().");
  }
  if (onEvent !== undefined && typeof onEvent !== "function") throw new InvalidInputError("prune options: onEvent must be a function", "Pass (event) => { … }, or leave it out.");
  return { batchSize, dryRun, countFirst, now, onEvent };
}
