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

const failedPartially = z.strictObject({
  name: migrationName,
  direction: z.enum(["up", "down"]).describe("which of its functions failed: an up stays listed in pending, a down in applied"),
  failedAt: isoInstant.nullable(),
  tookEffect: z.array(z.string()).describe("the statements that took effect before the failure, in order (reads are not listed)"),
  failedStatement: z.string().nullable().describe("the statement that failed; null when the migration's own code failed"),
  error: z.string().describe("the database's error"),
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
  failedPartially: z
    .array(failedPartially)
    .describe("migrations that failed partway, having run without a transaction (every MySQL/MariaDB migration), shown as failed-partially; cleared when the migration next runs to the end"),
  unmigratedConfigChanges: z.array(z.string()).describe("config changes that no migration file holds yet (authdb generate writes one)"),
  lock: lock.describe("who holds the migration lock"),
});
