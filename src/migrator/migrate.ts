import path from "node:path";
import type { Sequelize } from "sequelize";
import { validateConfig, type AuthdbConfig } from "../config";
import { InvalidInputError } from "../errors";
import type { MigratorListener } from "./events";
import { readMigrationDir, renderedMigrationSet, type MigrationUnit } from "./migrationSource";
import { applyMigrations, type RunResult } from "./runMigrations";

export interface MigrateOptions {
  lockTimeoutMs?: number;
  onEvent?: MigratorListener;
}

/** The migrations for a config: the files in `migrationsDir`, or with none given the set `init` would write. */
export function migrationsFor(config: AuthdbConfig, baseDir = process.cwd()): MigrationUnit[] {
  const { schema } = validateConfig(config);
  return config.migrationsDir ? readMigrationDir(path.resolve(baseDir, config.migrationsDir)) : renderedMigrationSet(schema);
}

/**
 * Applies pending migrations on `sequelize` (the same runner as `authdb migrate`: lock, one transaction
 * per migration, checksums). With no `migrationsDir` it applies the Auth.js tables for `config` rendered
 * in memory, so `new Sequelize("sqlite::memory:")` gets exactly the production schema, with no files.
 */
export async function migrate(sequelize: Sequelize, config: AuthdbConfig = {}, options: MigrateOptions = {}): Promise<RunResult> {
  const migrations = migrationsFor(config);
  if (config.migrationsDir && migrations.length === 0) {
    // Silently applying nothing would surface later as the adapter's "not migrated" error, far from the cause.
    throw new InvalidInputError(
      `no migration files in ${path.resolve(config.migrationsDir)} (migrationsDir is resolved against the working directory, ${process.cwd()})`,
      "Pass an absolute migrationsDir, run from the project folder, or leave migrationsDir out to apply the Auth.js tables rendered in memory.",
    );
  }
  return applyMigrations({ sequelize, migrations, ...options });
}
