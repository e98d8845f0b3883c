import { readFileSync } from "node:fs";
import { describeChange, planSchemaChanges } from "../migrations/planSchemaChanges";
import { readFolderSnapshot } from "../migrations/projectSnapshot";
import { renderSnapshot, snapshotPath } from "../migrations/snapshot";
import type { Schema } from "../schema";
import type { Output } from "./output";
import type { Project } from "./project";

/**
 * The folder's snapshot file when it is, to the byte, what authdb writes for today's config (the usual
 * case): our own rendering of a validated schema, so it is read without validating it again, which
 * would load zod. Null otherwise, and readFolderSnapshot reads the folder the full way.
 */
function snapshotAsWritten(project: Project): Schema | null {
  let text: string;
  try {
    text = readFileSync(snapshotPath(project.migrationsDir), "utf8");
  } catch {
    return null;
  }
  return text === renderSnapshot(project.schema) ? { tables: (JSON.parse(text) as Schema).tables } : null;
}

/**
 * The changes in the config that no migration file holds yet (snapshot vs config), or null when the
 * folder cannot say (no snapshot, or a broken one: generate reports that in full). Never fatal here.
 */
export function unmigratedConfigChanges(project: Project): string[] | null {
  try {
    const snapshot = snapshotAsWritten(project) ?? readFolderSnapshot(project.migrationsDir, { tables: project.config.tables, extend: project.config.extend })?.schema;
    return snapshot ? planSchemaChanges(snapshot, project.schema).changes.map(describeChange) : null;
  } catch {
    return null;
  }
}

/** The line migrate and status print when the config is ahead of the migrations. */
export function warnUnmigratedConfigChanges(output: Output, changes: string[] | null): void {
  if (!changes?.length) return;
  const shown = changes.slice(0, 3).join("; ") + (changes.length > 3 ? `; and ${changes.length - 3} more` : "");
  output.warn(`the config has ${changes.length} change${changes.length === 1 ? "" : "s"} that no migration holds yet (${shown}): run \`npx authdb generate\` to write the migration, then \`npx authdb migrate\`.`);
}
