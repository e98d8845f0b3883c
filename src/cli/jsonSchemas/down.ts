import { z } from "zod";
import { dryRunMigration, timedMigration } from "./common";

export const downData = z.strictObject({
  dryRun: z.boolean(),
  reverted: z.array(timedMigration).describe("what this run reverted, newest first (empty for a dry run)"),
  statements: z.array(dryRunMigration).nullable().describe("--dry-run: the SQL each revert would run; otherwise null"),
});
