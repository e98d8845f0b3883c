import { z } from "zod";
import { difference, milliseconds, migrationName } from "./common";

const migrationReport = z.strictObject({
  name: migrationName,
  ok: z.boolean(),
  upMs: milliseconds.optional(),
  downMs: milliseconds.optional(),
  reapplyMs: milliseconds.optional(),
  failure: z
    .enum(["down-does-not-undo-up", "reapply-differs"])
    .optional()
    .describe("which comparison failed: the schema after down differs from before up, or the second up differs from the first"),
  differences: z.array(difference),
});

const pass = z.strictObject({ ok: z.boolean(), durationMs: milliseconds, differences: z.array(difference) });

export const verifyData = z.strictObject({
  failed: migrationName.nullable().describe("the first migration whose down does not undo its up, else null"),
  migrations: z.array(migrationReport).describe("one per migration checked, in order; checking stops at the first failure"),
  fullRevert: pass.nullable().describe("reverting every migration: back to the starting schema? null when not reached"),
  fullReapply: pass.nullable().describe("applying every migration again: the same schema as the first pass? null when not reached"),
  leftMigrated: z.boolean().describe("whether the scratch database is left fully migrated"),
});
