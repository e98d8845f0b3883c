import { z } from "zod";

/*
 * Pieces several commands' --json data share. Only the generated JSON Schema files (schemas/*.json) and the
 * TypeScript types come from here: the CLI never loads zod to print a document (start-up time is measured).
 * A piece with an `id` becomes a named entry under `$defs` in every schema file that uses it.
 */

/** Whole milliseconds, rounded. */
export const milliseconds = z.int().min(0).describe("whole milliseconds");

/** An absolute path on the machine that ran the command. */
export const filePath = z.string().describe("an absolute path");

/** A migration's name: its file name, e.g. 20261123000000-authdb-initial.js. */
export const migrationName = z.string().describe("a migration's file name, e.g. 20261123000000-authdb-initial.js");

/** An instant, as Date.prototype.toISOString() writes it (no `format` keyword: validators without formats must accept the schema). */
export const isoInstant = z.string().describe("an ISO 8601 instant in UTC, e.g. 2026-11-23T06:28:16.172Z");

export const difference = z
  .strictObject({
    kind: z.enum([
      "missing-table",
      "extra-table",
      "missing-column",
      "extra-column",
      "type",
      "nullability",
      "default",
      "primary-key",
      "missing-unique",
      "extra-unique",
      "missing-index",
      "extra-index",
      "index-name",
      "missing-foreign-key",
      "extra-foreign-key",
      "foreign-key-target",
      "foreign-key-action",
      "collation",
    ]),
    table: z.string(),
    column: z.string().optional(),
    expected: z.string().optional(),
    actual: z.string().optional(),
    message: z.string().describe("one readable line, e.g. accounts.access_token: type is varchar(255), expected text"),
  })
  .meta({ id: "Difference", description: "one way the live database differs from what it should be (authdb check words it the same)" });

/** A migration that ran (migrate) or was reverted (down). */
export const timedMigration = z
  .strictObject({ name: migrationName, durationMs: milliseconds })
  .meta({ id: "TimedMigration", description: "a migration that ran, and how long it took" });

/** What a dry run executed and rolled back, per migration. */
export const dryRunMigration = z
  .strictObject({
    name: migrationName,
    statements: z.array(z.string()).describe("the SQL it ran before the rollback, in order (MySQL/MariaDB: the reads it ran and the statements it would send, none of which were sent)"),
    skipped: z.string().optional().describe("why it was not executed (a migration with transaction: false cannot be rolled back)"),
  })
  .meta({ id: "DryRunMigration", description: "one migration of a dry run: the SQL it would run" });
