import { z } from "zod";
import { filePath } from "./common";

export const initData = z.strictObject({
  config: z.strictObject({ file: filePath, created: z.boolean().describe("false: an existing config file was used") }),
  migrations: z.array(filePath).describe("the migration files written, the initial one first"),
  snapshot: filePath.describe("authdb.snapshot.json: the schema these migrations hold"),
  customColumns: z.array(z.string()).describe("table.column of each custom column in the initial migration"),
});
