import { z } from "zod";
import { filePath, isoInstant, migrationName } from "./common";

const appliedMigration = z.strictObject({
  name: migrationName,
  appliedAt: isoInstant.nullable().describe("null when the history table records no time (another tool applied it)"),
  state: z
    .enum(["ok", "changed", "missing-file", "no-checksum", "foreign"])
    .describe("ok; changed: the file differs from what was applied; missing-file; no-checksum: applied by another tool; foreign: from another migrations folder"),
  foreignPattern: z.string().optional().describe("the foreignMigrations pattern it matched"),
});

const lock = z.discriminatedUnion("held", [
  z.strictObject({ held: z.literal(false) }),
  z.strictObject({
    held: z.literal(true),
    pid: z.int().nullable(),
    host: z.string().nullable(),
    command: z.string().nullable().describe("the authdb command holding it, e.g. migrate"),
    since: isoInstant.nullable(),
  }),
]);

export const statusData = z.strictObject({
  migrationsDir: filePath,
  applied: z.array(appliedMigration),
  pending: z.array(migrationName),
  unmigratedConfigChanges: z.array(z.string()).describe("config changes that no migration file holds yet (authdb generate writes one)"),
  lock: lock.describe("who holds the migration lock"),
});
