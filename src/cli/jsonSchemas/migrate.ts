import { z } from "zod";
import { dryRunMigration, milliseconds, timedMigration } from "./common";

export const migrateData = z.strictObject({
  dryRun: z.boolean(),
  applied: z.array(timedMigration).describe("what this run applied, in order (empty for a dry run)"),
  statements: z.array(dryRunMigration).nullable().describe("--dry-run: the SQL of each pending migration; otherwise null"),
  lockWaitMs: milliseconds.describe("how long the run waited for the migration lock"),
  unmigratedConfigChanges: z.array(z.string()).describe("config changes that no migration file holds yet (authdb generate writes one)"),
});
