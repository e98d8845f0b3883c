import { buildSchema, BUILTIN_LEVEL, type Schema, type SchemaOptions } from "../schema";
import type { MigrationExtension } from "./moduleSystem";
import { planSchemaChanges } from "./planSchemaChanges";
import { renderChangeMigration } from "./renderChangeMigration";
import { initialMigrationName, renderInitialMigration } from "./renderMigration";

export interface RenderedMigration {
  name: string;
  source: string;
}

/**
 * What each later level of authdb's own table set adds, as a migration of its own with a fixed name.
 * Fixed names and level-1 initial migrations mean a database migrated by an older authdb, in memory or
 * from files, sees the same history after an upgrade, with only the new step pending.
 */
export const BUILTIN_MIGRATIONS: ReadonlyArray<{ level: number; slug: string; description: string; label: string }> = [
  {
    level: 2,
    slug: "20261123000001-authdb-expiry-indexes",
    description: "authdb: indexes sessions.expires and verification_tokens.expires, so `authdb prune` finds expired rows without a scan.",
    label: "authdb's own indexes, for prune",
  },
  {
    level: 3,
    slug: "20261123000002-authdb-exact-text",
    description: "authdb: on MySQL and MariaDB, text compares byte-exactly (case and trailing spaces count), as on PostgreSQL and SQLite, where it changes nothing.",
    label: "exact text comparison on MySQL and MariaDB",
  },
];

/** The built-in migration a file name belongs to (either extension), if any. */
export function builtinMigrationOf(fileName: string): (typeof BUILTIN_MIGRATIONS)[number] | undefined {
  return BUILTIN_MIGRATIONS.find((m) => fileName.startsWith(`${m.slug}.`));
}

export function builtinMigrationName(slug: string, extension: MigrationExtension = ".js"): string {
  return `${slug}${extension}`;
}

export function schemaAtLevel(options: SchemaOptions, level: number): Schema {
  return buildSchema({ ...options, builtinLevel: level });
}

/**
 * The migrations `authdb init` writes for a config, and `migrate()` renders in memory: the initial
 * migration (authdb's level-1 tables plus custom columns), then one migration per later built-in level.
 */
export function renderMigrationSet(options: SchemaOptions, extension: MigrationExtension = ".js"): RenderedMigration[] {
  const set: RenderedMigration[] = [{ name: initialMigrationName(extension), source: renderInitialMigration(schemaAtLevel(options, 1)) }];
  for (const builtin of BUILTIN_MIGRATIONS.filter((m) => m.level <= BUILTIN_LEVEL)) {
    const plan = planSchemaChanges(schemaAtLevel(options, builtin.level - 1), schemaAtLevel(options, builtin.level));
    set.push({ name: builtinMigrationName(builtin.slug, extension), source: renderChangeMigration(plan.changes, { description: builtin.description, command: "init" }) });
  }
  return set;
}
