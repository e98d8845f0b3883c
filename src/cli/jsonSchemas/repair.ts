import { z } from "zod";
import { migrationName } from "./common";

export const repairData = z.strictObject({
  dryRun: z.boolean(),
  recorded: z
    .array(z.strictObject({ name: migrationName, previousChecksum: z.string(), checksum: z.string() }))
    .describe("migrations whose current checksum was recorded (dry run: would be)"),
  unchanged: z.array(migrationName).describe("named, applied, and already matching (or without a checksum): nothing to record"),
  missingFiles: z.array(migrationName).describe("applied, but the file is missing: not touched"),
});
