import type { Sequelize } from "sequelize";
import type { QueryOptions } from "./queryOptions";

interface SequelizeLog {
  log(...args: unknown[]): void;
}

/** What Sequelize hands a logging function as its second argument for a raw query of this kind. */
export interface LoggedQuery {
  type: string;
  bind: unknown[];
  useMaster: boolean;
}

/**
 * Sequelize's log line for a query, in its format, through `sequelize.log` (which drops the options for
 * console.log). Called once the connection is acquired, so the pool wait is not in the time; with
 * `benchmark`, the returned function writes the "Executed … <ms>" line when the statement is done.
 */
export function logQuery(sequelize: Sequelize, options: QueryOptions, sql: string, parameters: () => string, query: LoggedQuery): (() => void) | undefined {
  const { logging } = options;
  if (!logging) return undefined;
  const line = `(default): ${sql}${options.logQueryParameters ? `${sql.endsWith(";") ? "" : ";"} ${parameters()}` : ""}`;
  const logOptions = { plain: false, raw: true, logging, benchmark: options.benchmark, ...query };
  const log = (sequelize as unknown as SequelizeLog).log.bind(sequelize);
  if (!options.benchmark) {
    log(`Executing ${line}`, logOptions);
    return undefined;
  }
  const started = Date.now();
  return () => log(`Executed ${line}`, Date.now() - started, logOptions);
}

/** A bind value as Sequelize's log shows it: Sequelize's own serializer (JSON; a BigInt as its digits). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const jsonForLog = (require("sequelize/lib/utils") as { safeStringifyJson(value: unknown): string }).safeStringifyJson;
