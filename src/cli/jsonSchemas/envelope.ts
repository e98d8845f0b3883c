import { z } from "zod";
import { milliseconds } from "./common";

/**
 * Bumped when a document changes in a way that can break a reader (a field removed, renamed or retyped);
 * a new field does not bump it. Readers check it before trusting the rest.
 */
export const JSON_SCHEMA_VERSION = 1;

export const jsonError = z
  .strictObject({
    type: z.string().describe("the kind of error, e.g. InvalidInputError, LockTimeoutError, MigrationFailedError, UsageError, Interrupted, UnexpectedError"),
    message: z.string(),
    hint: z.string().nullable().describe("what to do about it, when authdb knows"),
    exitCode: z.union([z.int().min(1).max(6), z.literal(130), z.literal(143)]).describe("the process's exit code (docs/cli.md, Exit codes): 1 to 6, or 130 / 143 when interrupted by SIGINT / SIGTERM"),
  })
  .meta({ id: "Error", description: "why the command exited non-zero" });

/**
 * Every --json document: the same envelope around each command's own data. ok is true exactly when the
 * exit code is 0, and then error is null; otherwise error names the exit code, and data is the command's
 * result when it got as far as one (status --check, check, verify, baseline, generate --check), else null.
 */
export function envelopeSchema<D extends z.ZodType>(command: z.ZodType<string>, data: D) {
  const common = {
    schemaVersion: z.literal(JSON_SCHEMA_VERSION),
    command,
    database: z.string().nullable().describe("the database URL with its password masked; null when the command uses none or failed before choosing one"),
    durationMs: milliseconds.describe("from the start of the command to this document"),
  };
  return z.discriminatedUnion("ok", [
    z.strictObject({ schemaVersion: common.schemaVersion, ok: z.literal(true), command: common.command, database: common.database, durationMs: common.durationMs, data, error: z.null() }),
    z.strictObject({ schemaVersion: common.schemaVersion, ok: z.literal(false), command: common.command, database: common.database, durationMs: common.durationMs, data: data.nullable(), error: jsonError }),
  ]);
}
