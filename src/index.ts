/**
 * The public API of authdb: the Auth.js adapter, the migration runner, the config helper.
 */
import { SequelizeAdapter } from "./adapter";

export { SequelizeAdapter };
export default SequelizeAdapter;
export {
  models,
  SchemaNotMigratedError,
  UnknownRecordError,
  InvalidValueError,
  ConstraintViolationError,
  UniqueConstraintError,
  ForeignKeyConstraintError,
  type ConstraintDetails,
  type ConstraintKind,
} from "./adapter";
export type { SequelizeAdapterOptions, AuthdbAdapter } from "./adapter";

export { migrate, type MigrateOptions, type RunResult, type MigratorEvent } from "./migrator";
export type { Migration } from "./migrations/migrationType";
export { defineConfig, type AuthdbConfig } from "./config";
export { prune, type PruneOptions, type PruneResult, type PruneTableResult, type PruneEvent, type PrunableModel } from "./prune";
export type { CustomColumnInput, CustomColumnObject, ModelName, ColumnType } from "./schema";
export type {
  InferUser,
  InferAccount,
  InferSession,
  InferVerificationToken,
  InferAuthenticator,
  InferColumns,
  InferColumnsInput,
  ColumnValueTypes,
  JsonColumn,
} from "./types";
export { AuthdbError, ExitCode } from "./errors";
