import { z } from "zod";
import { filePath } from "./common";

export const generateData = z.strictObject({
  mode: z
    .enum(["write", "check", "dry-run", "reset-snapshot"])
    .describe("write: files written; check: --check, nothing written; dry-run: --dry-run or --sql, nothing written; reset-snapshot: only authdb.snapshot.json written"),
  changes: z.array(z.string()).describe("each change between the snapshot and the config, in words (empty: nothing to do)"),
  files: z
    .array(z.strictObject({ file: filePath, source: z.string().describe("the migration's source") }))
    .describe("the migration files written (write) or that would be written (dry-run); empty otherwise"),
  snapshot: filePath.nullable().describe("authdb.snapshot.json when it was written, else null"),
});
