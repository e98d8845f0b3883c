import { z } from "zod";
import { difference, migrationName } from "./common";

export const checkData = z.strictObject({
  strict: z.boolean().describe("--strict: tables the schema does not know were looked for too"),
  differences: z.array(difference),
  pending: z.array(migrationName),
});
