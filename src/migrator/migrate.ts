import path from "node:path";
import type { Sequelize } from "sequelize";
import { assertFitsMysql, validateConfig, type AuthdbConfig, type ValidatedConfig } from "../config";
import { bindSchema } from "../database/catalog";
import { bindMigrationHistory } from "./historyOptions";
import { dialectOf, isMysqlFamily } from "../database";
import { AuthdbError, ChangedMigrationError, ExitCode, InvalidInputError } from "../errors";
import { tablesInOrder } from "../schema";
import type { MigratorListener } from "./events";
import { readMigrationDir, renderedMigrationSet, type MigrationUnit } from "./migrationSource";
import { applyMigrations, type RunResult } from "./runMigrations";

export interface MigrateOptions {
  /** How long to wait for another run's migration lock; default 60 000. */
  lockTimeoutMs?: number;
  /**
   * Fail a migration whose up() neither finishes nor runs SQL for this long; default 60 000, 0: never.
   * Its late statements are refused afterwards (it ran without the lock from then on).
   */
  stallTimeoutMs?: number;
  onEvent?: MigratorListener;
}

/** The migrations for a config: the files in `migrationsDir`, or with none given the set `init` would write. */
export function migrationsFor(config: AuthdbConfig, baseDir = process.cwd()): MigrationUnit[] {
  return migrationsOf(validateConfig(config), baseDir);
}

function migrationsOf({ config }: ValidatedConfig, baseDir = process.cwd()): MigrationUnit[] {
  return config.migrationsDir ? readMigrationDir(path.resolve(baseDir, config.migrationsDir)) : renderedMigrationSet({ tables: config.tables, extend: config.extend });
}

/**
 * Applies pending migrations on `sequelize` (the same runner as `authdb migrate`: lock, one transaction
 * per migration, checksums). With no `migrationsDir` it applies the Auth.js tables for `config` rendered
 * in memory, so `new Sequelize({ dialect: "sqlite", storage: ":memory:" })` gets exactly the production schema, with no files.
 */
export async function migrate(sequelize: Sequelize, config: AuthdbConfig = {}, options: MigrateOptions = {}): Promise<RunResult> {
  const validated = validateConfig(config);
  const migrations = migrationsOf(validated);
  // Rendered from the config and run here: a table this server could not create is refused before any DDL.
  if (!config.migrationsDir && isMysqlFamily(dialectOf(sequelize))) assertFitsMysql(validated.schema);
  if (config.migrationsDir && migrations.length === 0) {
    // Silently applying nothing would surface later as the adapter's "not migrated" error, far from the cause.
    throw new InvalidInputError(
      `no migration files in ${path.resolve(config.migrationsDir)} (migrationsDir is resolved against the working directory, ${process.cwd()})`,
      "Pass an absolute migrationsDir, run from the project folder, or leave migrationsDir out to apply the Auth.js tables rendered in memory.",
    );
  }
  bindSchema(sequelize, config.schema);
  bindMigrationHistory(sequelize, config);
  try {
    return await applyMigrations({ sequelize, migrations, ...options });
  } catch (error) {
    if (error instanceof ChangedMigrationError && !config.migrationsDir) throw await inMemoryConfigChanged(sequelize, config);
    throw error;
  }
}

/**
 * In-memory mode creates a fresh schema and never alters one; the file-oriented hint (git checkout,
 * --allow-changed) would mislead here. Say what differs, and the two ways on.
 */
async function inMemoryConfigChanged(sequelize: Sequelize, config: AuthdbConfig): Promise<AuthdbError> {
  const { schema } = validateConfig(config);
  let differences: string[] = [];
  try {
    // Loaded here: introspect imports the migrator's table names, so a top-level import would be circular.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { diffSchema, expectedSchema, introspectDatabase } = require("../introspect") as typeof import("../introspect");
    const tables = tablesInOrder(schema).map((t) => t.table);
    differences = diffSchema(expectedSchema(schema, dialectOf(sequelize)), await introspectDatabase(sequelize, tables)).map((d) => `${d.table}: ${d.message}`);
  } catch {
    // The comparison only enriches the message.
  }
  const what = differences.length ? ` It differs in: ${differences.slice(0, 5).join("; ")}${differences.length > 5 ? `; and ${differences.length - 5} more` : ""}.` : "";
  return new AuthdbError(
    `migrate(sequelize, config): this database already has the Auth.js tables, created from a different config (the applied initial migration does not match the one this config renders, e.g. after a column was added under extend).${what} ` +
      "migrate() without migrationsDir creates a fresh schema; it never alters an existing one",
    ExitCode.changedMigration,
    "For tests, use a fresh database (sqlite::memory:, or a new database per run). For a real database, write the change as a migration (`npx authdb create add-phone-number`) and apply the files (`npx authdb migrate`, or migrate() with migrationsDir).",
  );
}
