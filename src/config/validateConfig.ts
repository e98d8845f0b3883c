import type { z } from "zod";
import { buildSchema, identifierProblem, MODEL_NAMES, SchemaConfigError, type Schema } from "../schema";
import type { AuthdbConfig } from "./types";
import { InvalidInputError } from "../errors";
// The files themselves, not the migrator's index: it imports this module.
import { foreignPatternProblem } from "../migrator/foreignMigrations";
import { LOCK_TABLE } from "../migrator/lock/sqliteLock";
import { CHECKSUM_TABLE } from "../migrator/metaStore";
import { isPlainlyValidConfig } from "./plainConfig";
import { docsFile } from "../docsLink";

/**
 * Built when a config is not plainly valid (plainConfig.ts): zod takes a while to load. A field added here
 * must be added to plainConfig.ts FIELDS too (there, never looser than here), or such configs take this path.
 */
function buildConfigShape() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { z } = require("zod") as typeof import("zod");
  const modelRecord = <T extends z.ZodType>(value: T) => z.partialRecord(z.enum(MODEL_NAMES), value);
  return z.strictObject({
    url: z.string().min(1).optional(),
    migrationsDir: z.string().min(1).optional(),
    schema: z.string().optional(),
    tables: modelRecord(z.string()).optional(),
    // Column specs are checked by the schema builder, which knows Sequelize DataTypes values.
    extend: modelRecord(z.record(z.string(), z.unknown())).optional(),
    migrationStorageTableName: z.string().optional(),
    migrationStorageTableSchema: z.string().optional(),
    foreignMigrations: z.array(z.string()).optional(),
  });
}
let configShape: ReturnType<typeof buildConfigShape> | undefined;

/** A config that cannot be used; the message names the file (when there is one) and the field. */
export class ConfigError extends InvalidInputError {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message, `Fix the config (${docsFile("config.md")} lists every field), then run the command again.`);
  }
}

export interface ValidatedConfig {
  config: AuthdbConfig;
  schema: Schema;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join(".") || "(config)";
  if (issue.code === "unrecognized_keys" && issue.path.length === 1 && (issue.path[0] === "extend" || issue.path[0] === "tables")) {
    return issue.keys.map((key) => `${path}.${key}: not an Auth.js model; use one of ${MODEL_NAMES.join(", ")}`).join("; ");
  }
  if (issue.code === "unrecognized_keys") {
    const where = issue.path.length ? `${path}: ` : "";
    return `${where}unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} (known: url, migrationsDir, schema, tables, extend, migrationStorageTableName, migrationStorageTableSchema, foreignMigrations)`;
  }
  if (issue.code === "invalid_key" || (issue.code === "invalid_value" && issue.path.length === 2)) {
    return `${path}: not an Auth.js model; use one of ${MODEL_NAMES.join(", ")}`;
  }
  return `${path}: ${issue.message}`;
}

/** Why `name` cannot be authdb's PostgreSQL schema, or null. It reaches SQL (quoted), so it is an identifier. */
function postgresSchemaProblem(name: string): string | null {
  const problem = identifierProblem(name);
  if (problem) return `${problem}; use a schema name such as "next_auth"`;
  if (/^pg_/i.test(name)) return 'starts with "pg_", which PostgreSQL reserves for system schemas';
  return null;
}

/** What is wrong with migrationStorageTableName, migrationStorageTableSchema or foreignMigrations, or null. */
function migrationHistoryProblem(config: AuthdbConfig): string | null {
  const table = config.migrationStorageTableName;
  if (table !== undefined) {
    // It reaches SQL (quoted) and must not be one of authdb's other tables.
    const problem = identifierProblem(table);
    if (problem) return `migrationStorageTableName: ${JSON.stringify(table)} ${problem}; use a table name such as "SequelizeMeta"`;
    if (table === CHECKSUM_TABLE || table === LOCK_TABLE) return `migrationStorageTableName: "${table}" is a table authdb keeps itself; use another name, e.g. "SequelizeMeta"`;
  }
  const schema = config.migrationStorageTableSchema;
  const schemaProblem = schema === undefined ? null : postgresSchemaProblem(schema);
  if (schemaProblem) return `migrationStorageTableSchema: ${JSON.stringify(schema)} ${schemaProblem}`;
  for (const [index, pattern] of (config.foreignMigrations ?? []).entries()) {
    const problem = foreignPatternProblem(pattern);
    if (problem) return `foreignMigrations[${index}]: ${JSON.stringify(pattern)} ${problem}`;
  }
  return null;
}

/** Checks a loaded config and resolves its schema; throws ConfigError naming the field. */
export function validateConfig(input: unknown, file?: string): ValidatedConfig {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new ConfigError(`the config must export an object (module.exports = defineConfig({ … }))`, file);
  }
  if (!isPlainlyValidConfig(input)) {
    configShape ??= buildConfigShape();
    const parsed = configShape.safeParse(input);
    if (!parsed.success) throw new ConfigError(parsed.error.issues.map(describeIssue).join("; "), file);
  }
  const config = input as AuthdbConfig;
  const schemaProblem = config.schema === undefined ? null : postgresSchemaProblem(config.schema);
  if (schemaProblem) throw new ConfigError(`schema: ${JSON.stringify(config.schema)} ${schemaProblem}`, file);
  const historyProblem = migrationHistoryProblem(config);
  if (historyProblem) throw new ConfigError(historyProblem, file);
  try {
    return { config, schema: buildSchema({ tables: config.tables, extend: config.extend }) };
  } catch (error) {
    if (error instanceof SchemaConfigError) throw new ConfigError(error.message, file);
    throw error;
  }
}
