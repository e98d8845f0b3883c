import { z } from "zod";
import { isoInstant, milliseconds } from "./common";

const table = z.strictObject({
  table: z.string().describe("the table as configured"),
  rows: z.int().min(0).describe("rows removed (dry run: that would be removed)"),
  batches: z.int().min(0).describe("DELETE statements that removed rows (dry run: that it would take)"),
  durationMs: milliseconds,
});

export const pruneData = z.strictObject({
  dryRun: z.boolean(),
  now: isoInstant.describe("the cutoff: rows whose expires is before it were removed (or counted)"),
  batchSize: z.int().min(1),
  tables: z.strictObject({ Session: table, VerificationToken: table }),
  rows: z.int().min(0).describe("total over both tables"),
  batches: z.int().min(0).describe("total over both tables"),
});
