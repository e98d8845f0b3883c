import { mysqlLimitProblems } from "../schema/mysqlLimits";
import type { Schema } from "../schema";
import { ConfigError } from "./validateConfig";

const key = (problem: { path: string; problem: string }) => `${problem.path} ${problem.problem}`;

/**
 * Refuses a schema MySQL or MariaDB could not create, when authdb is about to write (or, in memory, run) its
 * migration: `init`, `generate`, and `migrate(sequelize, config)` on a MySQL-family database. Only what is
 * new since `before` (the folder's snapshot) counts: a PostgreSQL project whose migrations already hold such
 * a column keeps working, and nothing checks it at run time (the adapter never creates a table).
 */
export function assertFitsMysql(schema: Schema, file?: string, before?: Schema | null): void {
  const known = new Set((before ? mysqlLimitProblems(before) : []).map(key));
  const problems = mysqlLimitProblems(schema).filter((problem) => !known.has(key(problem)));
  if (!problems.length) return;
  throw new ConfigError(
    `${problems.map(key).join("; ")}. One migration file serves every database, so authdb writes none that MySQL or MariaDB could not run, whatever the URL`,
    file,
  );
}
