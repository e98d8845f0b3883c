import type { Sequelize } from "sequelize";
import { dialectOf, isMysqlFamily } from "../database";
import { InvalidInputError } from "../errors";
import { foreignMatcher, type ForeignMatcher } from "./foreignMigrations";

/** sequelize-cli's default `migrationStorageTableName`. */
export const META_TABLE = "SequelizeMeta";

/**
 * Where the migration history lives and which of its rows belong to someone else: the config's
 * `migrationStorageTableName`, `migrationStorageTableSchema` (sequelize-cli's options of the same names)
 * and `foreignMigrations`.
 */
export interface MigrationHistoryConfig {
  migrationStorageTableName?: string;
  migrationStorageTableSchema?: string;
  foreignMigrations?: readonly string[];
}

export interface MigrationHistory {
  /** The SequelizeMeta table's name. */
  tableName: string;
  /** Its PostgreSQL schema, when configured; otherwise it lives where authdb's tables do. */
  schema?: string;
  /** Which recorded names, when their file is absent, belong to another migrations folder. */
  isForeign: ForeignMatcher;
}

const DEFAULT: MigrationHistory = { tableName: META_TABLE, isForeign: () => undefined };

/**
 * Bound per Sequelize instance, like the configured `schema` (src/database/catalog.ts): every reader and
 * writer of the history (the runner, status, repair, the data-loss probe, introspection) sees the same
 * table without each command passing it along.
 */
const bound = new WeakMap<Sequelize, MigrationHistory>();

export function bindMigrationHistory(sequelize: Sequelize, config: MigrationHistoryConfig): void {
  const dialect = dialectOf(sequelize);
  const schema = config.migrationStorageTableSchema;
  if (schema !== undefined && isMysqlFamily(dialect)) {
    throw new InvalidInputError(
      `migrationStorageTableSchema: "${schema}" is a PostgreSQL option; on ${dialect} a schema is a database`,
      "Remove migrationStorageTableSchema from the config: the history lives in the database named in the URL.",
    );
  }
  bound.set(sequelize, {
    tableName: config.migrationStorageTableName ?? META_TABLE,
    // SQLite has no schemas: ignored there, as `schema` is, so one config serves PostgreSQL and SQLite tests.
    schema: dialect === "postgres" ? schema : undefined,
    isForeign: foreignMatcher(config.foreignMigrations ?? []),
  });
}

export function migrationHistoryOf(sequelize: Sequelize): MigrationHistory {
  return bound.get(sequelize) ?? DEFAULT;
}
