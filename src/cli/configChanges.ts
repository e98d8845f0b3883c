import { describeChange, planSchemaChanges } from "../migrations/planSchemaChanges";
import { readFolderSnapshot } from "../migrations/projectSnapshot";
import type { Output } from "./output";
import type { Project } from "./project";

/**
 * The changes in the config that no migration file holds yet (snapshot vs config), or null when the
 * folder cannot say (no snapshot, or a broken one: generate reports that in full). Never fatal here.
 */
export function unmigratedConfigChanges(project: Project): string[] | null {
  try {
    const snapshot = readFolderSnapshot(project.migrationsDir, { tables: project.config.tables, extend: project.config.extend });
    return snapshot ? planSchemaChanges(snapshot.schema, project.schema).changes.map(describeChange) : null;
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
