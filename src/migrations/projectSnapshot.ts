import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { InvalidInputError } from "../errors";
import type { Schema, SchemaOptions } from "../schema";
import { findInitialMigration } from "./initialMigrationFile";
import { builtinMigrationOf, schemaAtLevel } from "./migrationSet";
import { legacyRenderings } from "./legacyRenderings";
import { renderInitialMigration } from "./renderMigration";
import { readSnapshot, snapshotPath } from "./snapshot";

export interface FolderSnapshot {
  schema: Schema;
  /** "file": authdb.snapshot.json; "implied": a folder from before snapshots, read from its untouched initial migration. */
  source: "file" | "implied";
}

/** The highest built-in level whose migration file is in the folder (1: only the initial migration). */
export function builtinLevelInFolder(migrationsDir: string): number {
  const names = existsSync(migrationsDir) ? readdirSync(migrationsDir) : [];
  return Math.max(1, ...names.map((name) => builtinMigrationOf(name)?.level ?? 1));
}

/**
 * A folder written by authdb before snapshots existed holds the initial migration exactly as init rendered
 * it: when re-rendering it from today's config gives the same text, the folder holds today's config at
 * the built-in levels present, and needs no snapshot file to say so.
 */
function impliedSnapshot(migrationsDir: string, options: SchemaOptions): Schema | null {
  const initial = findInitialMigration(migrationsDir);
  if (!initial) return null;
  const text = readFileSync(path.join(migrationsDir, initial), "utf8").replace(/\r\n?/g, "\n");
  const level1 = schemaAtLevel(options, 1);
  const renderings = [renderInitialMigration(level1, "initial-migration-v1.js"), renderInitialMigration(level1)].flatMap((text) => [text, ...legacyRenderings(text)]);
  if (!renderings.includes(text)) return null;
  const others = readdirSync(migrationsDir).filter((name) => /^\d{14}-/.test(name) && name !== initial && !builtinMigrationOf(name));
  // Hand-written migrations may have changed the schema in ways only a snapshot records.
  if (others.length) return null;
  return schemaAtLevel(options, builtinLevelInFolder(migrationsDir));
}

/** What the folder's migrations hold, or null when the folder has no migrations at all. */
export function readFolderSnapshot(migrationsDir: string, options: SchemaOptions): FolderSnapshot | null {
  const file = readSnapshot(migrationsDir);
  if (file) return { schema: file, source: "file" };
  const implied = impliedSnapshot(migrationsDir, options);
  if (implied) return { schema: implied, source: "implied" };
  if (!findInitialMigration(migrationsDir)) return null;
  throw new InvalidInputError(
    `${snapshotPath(migrationsDir)} is missing, so authdb cannot tell which schema the migrations in ${migrationsDir} hold`,
    "Restore it from version control. If it was never committed and your databases are migrated to match today's config, run `authdb generate --reset-snapshot` to record the config as what the migrations hold (then `authdb check` confirms a database agrees).",
  );
}
