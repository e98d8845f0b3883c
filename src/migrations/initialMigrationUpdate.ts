import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Schema } from "../schema";
import { isUntouchedRendering } from "./fingerprint";
import { INITIAL_MIGRATION_NAME, renderInitialMigration } from "./renderMigration";

export interface InitialMigrationUpdate {
  file: string;
  content: string;
}

/**
 * `authdb init`, then a custom column added to the config, then `authdb migrate`: the user means the
 * new column to be part of the first migration. When that migration is still pending here and nobody
 * edited it, it is rendered again from the config. Once applied, it is never rewritten (checksums).
 */
export function planInitialMigrationUpdate(migrationsDir: string, schema: Schema, applied: string[]): InitialMigrationUpdate | null {
  const file = path.join(migrationsDir, INITIAL_MIGRATION_NAME);
  if (!existsSync(file) || applied.includes(INITIAL_MIGRATION_NAME)) return null;
  const current = readFileSync(file, "utf8");
  if (!isUntouchedRendering(current)) return null;
  const content = renderInitialMigration(schema);
  return content === current ? null : { file, content };
}
