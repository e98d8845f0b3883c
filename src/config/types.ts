import type { CustomColumnInput, ModelName } from "../schema";
import type { CheckedConfig, WithLooseExtend } from "../types/configInput";

/** What a user writes in authdb.config.*: every field is optional. */
export interface AuthdbConfig {
  /** Database URL; `--url` and DATABASE_URL come first and after it respectively (see resolveDatabaseUrl). */
  url?: string;
  /** Where migration files live, relative to the config file. Default: "migrations". */
  migrationsDir?: string;
  /** Table names other than the defaults (`users`, `accounts`, `sessions`, `verification_tokens`, `authenticators`). */
  tables?: Partial<Record<ModelName, string>>;
  /**
   * PostgreSQL schema for every authdb table and the migration history, created if missing (e.g.
   * "next_auth"). Default: the connection's current schema (search_path). Ignored on SQLite.
   */
  schema?: string;
  /**
   * The migration history table, as sequelize-cli's option of the same name calls it. Default
   * "SequelizeMeta". authdb fills its `createdAt`/`updatedAt` when the table has them.
   */
  migrationStorageTableName?: string;
  /** PostgreSQL schema of that table (sequelize-cli's `migrationStorageTableSchema`); authdb_migrations sits beside it. */
  migrationStorageTableSchema?: string;
  /**
   * Glob patterns (`*`, `?`) on recorded migration names that another migrations folder applied (another
   * service, an older sequelize-cli project). Such a row without a file here is shown as foreign, never
   * blocks a run and is never reverted. Example: `["2019*", "*-billing-*"]`.
   */
  foreignMigrations?: string[];
  /** Custom columns per Auth.js model: `{ User: { phoneNumber: "STRING" } }`. */
  extend?: Partial<Record<ModelName, Record<string, CustomColumnInput>>>;
}

/**
 * Typed identity: `module.exports = defineConfig({ … })` gives editors completion, and keeps the literal
 * `extend` in the type (a `const` type parameter), so `SequelizeAdapter(sequelize, config)` and
 * `InferUser<typeof config>` know the custom columns and their types.
 */
export function defineConfig<const C extends WithLooseExtend<AuthdbConfig>>(config: C & CheckedConfig<C>): C {
  return config;
}
