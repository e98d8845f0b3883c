import { z } from "zod";
import { difference, filePath, migrationName } from "./common";

const rowProblem = z.strictObject({
  table: z.string(),
  kind: z.enum(["not-null", "unique", "references"]).describe("the constraint the rows would break"),
  count: z.int().min(1).describe("rows (or groups of duplicate rows) affected"),
  sample: z.array(z.string()).describe("at most 10 of them, one line each"),
  message: z.string(),
});

export const baselineData = z.strictObject({
  dryRun: z.boolean(),
  layout: z.enum(["authdb", "sequelize-adapter"]).nullable().describe("what the database was recognised as; null when baseline cannot convert it"),
  recorded: z.array(migrationName).describe("migrations recorded as applied without running them (dry run: that would be)"),
  pending: z.array(migrationName).describe("built-in migrations whose effects are missing: the next migrate runs them"),
  written: z
    .array(z.strictObject({ file: filePath, role: z.enum(["initial", "builtin", "adoption", "snapshot"]) }))
    .describe("files written into the migrations folder (dry run: that would be)"),
  adoption: z
    .strictObject({ file: filePath, changes: z.array(z.string()) })
    .nullable()
    .describe("the follow-up migration that converts the tables, and what it changes; null when none is needed"),
  foreignRows: z.array(z.string()).describe("history rows of migrations that are not in this folder: left as they are"),
  differences: z.array(difference).describe("exit 5: what baseline cannot convert; else empty"),
  rowProblems: z.array(rowProblem).describe("exit 5: rows a conversion would not keep; else empty"),
});
