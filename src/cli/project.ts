import path from "node:path";
import type { Sequelize } from "sequelize";
import { findConfigFile, loadConfig, type LoadedConfig } from "../config";
import { closeDatabase, connectDatabase, DEFAULT_SQLITE_URL, isMissingSqliteFile, redactUrl, resolveDatabaseUrl, urlPasswords, type UrlSource } from "../database";
import { bindSchema } from "../database/catalog";
import { bindMigrationHistory } from "../migrator/historyOptions";
import { AuthdbError } from "../errors";
import { waitingOn } from "./activity";
import { databaseChosen } from "./jsonEnvelope";
import { openPostgresReader, plainPostgresConnection } from "./postgresReader";
import { registerSecrets } from "./secrets";
import { readSequelizerc } from "./sequelizerc";

/** Options every command takes. */
export interface GlobalOptions {
  config?: string;
  url?: string;
  json?: boolean;
}

/** What a command needs of its connection beyond the URL. */
export interface ConnectionOptions {
  /** status and check: never create a SQLite file; open it read-only. */
  readOnly?: boolean;
}

export interface Project extends LoadedConfig {
  migrationsDir: string;
  /** The `.sequelizerc` that named migrationsDir, when the config sets none and that file does. */
  migrationsDirFrom?: string;
}

export const DEFAULT_MIGRATIONS_DIR = "migrations";

/** Loads the config and resolves where its migrations live (relative to the config file). */
export async function openProject(options: GlobalOptions, cwd = process.cwd()): Promise<Project> {
  waitingOn(`the config file ${options.config ?? findConfigFile(cwd) ?? "(none found: defaults)"} and what it exports`);
  const loaded = await loadConfig({ cwd, configFile: options.config });
  if (loaded.config.migrationsDir) return { ...loaded, migrationsDir: path.resolve(loaded.baseDir, loaded.config.migrationsDir) };
  // A sequelize-cli project keeps its folder: .sequelizerc beside the config (or in the working directory).
  const rc = readSequelizerc(loaded.baseDir);
  if (rc?.migrationsPath) return { ...loaded, migrationsDir: rc.migrationsPath, migrationsDirFrom: rc.file };
  return { ...loaded, migrationsDir: path.resolve(loaded.baseDir, DEFAULT_MIGRATIONS_DIR) };
}

export interface Connection {
  sequelize: Sequelize;
  url: string;
  source: UrlSource;
  /** The URL with the password masked, and where it came from, for the first line of output. */
  label: string;
}

/** The URL a command connects to and where it came from; its password is masked in all output from here on. */
function databaseUrl(project: Project, options: GlobalOptions, cwd: string): { url: string; source: UrlSource; base: string } {
  const { url, source } = resolveDatabaseUrl({ flag: options.url, config: project.config.url });
  registerSecrets(urlPasswords(url));
  databaseChosen(url);
  // A relative SQLite path in the config is relative to the config file, like migrationsDir.
  return { url, source, base: source === "config" ? project.baseDir : cwd };
}

/** Binds what the config says about where authdb's tables and history live; closes the connection if it refuses. */
async function bindProject(sequelize: Sequelize, project: Project): Promise<void> {
  try {
    // Where authdb's tables live on PostgreSQL (src/database/catalog.ts); refused on MySQL/MariaDB.
    bindSchema(sequelize, project.config.schema);
    // Where the migration history lives (sequelize-cli's table name and schema) and which rows are foreign.
    bindMigrationHistory(sequelize, project.config);
  } catch (error) {
    await closeDatabase(sequelize);
    throw error;
  }
}

export async function openConnection(project: Project, options: GlobalOptions, connection: ConnectionOptions = {}, cwd = process.cwd()): Promise<Connection> {
  const { url, source, base } = databaseUrl(project, options, cwd);
  let sequelize: Sequelize;
  waitingOn(`the database ${redactUrl(url)} to answer`);
  try {
    sequelize = await connectDatabase(url, {}, base, connection);
  } catch (error) {
    throw source === "default" ? explainDefaultUrl(error) : error;
  }
  await bindProject(sequelize, project);
  const missing = connection.readOnly && isMissingSqliteFile(url, base) ? "; the file does not exist yet, so it reads as empty" : "";
  return { sequelize, url, source, label: connectionLabel(url, source, missing) };
}

/** How output names the database: the URL with its password masked, and where it came from. */
function connectionLabel(url: string, source: UrlSource, note = ""): string {
  return `${redactUrl(url)} (from ${source === "default" ? "the default" : source}${note})`;
}

/**
 * Like withConnection for a command that only reads, on one pg connection without Sequelize
 * (postgresReader.ts): undefined when the URL is not a plain PostgreSQL one. It reports no failure of
 * its own: whatever goes wrong, the caller reads again through withConnection, which says what happened.
 */
export async function withPostgresReader<T>(project: Project, options: GlobalOptions, body: (connection: Connection) => Promise<T>, cwd = process.cwd()): Promise<{ result: T } | undefined> {
  const { url, source } = databaseUrl(project, options, cwd);
  const config = plainPostgresConnection(url);
  if (!config) return undefined;
  waitingOn(`the database ${redactUrl(url)} to answer`);
  const sequelize = await openPostgresReader(config);
  await bindProject(sequelize, project);
  try {
    return { result: await body({ sequelize, url, source, label: connectionLabel(url, source) }) };
  } finally {
    waitingOn("the database connection to close");
    await closeDatabase(sequelize);
  }
}

/** A new user who gave no URL must learn that first, not only that a SQLite driver is missing. */
function explainDefaultUrl(error: unknown): unknown {
  if (!(error instanceof AuthdbError)) return error;
  const fallback = `no database URL was given (no --url, no url in the config, no DATABASE_URL), so authdb used the local file ${DEFAULT_SQLITE_URL}`;
  return new AuthdbError(
    `${fallback}, and: ${error.message}`,
    error.exitCode,
    `To use your database, pass --url postgres://user:password@host:5432/db, set url in authdb.config, or set DATABASE_URL.${error.hint ? ` To use the local file: ${error.hint}` : ""}`,
  );
}

/** Runs `body` with an open connection and always closes it, so the process can exit. */
export async function withConnection<T>(
  project: Project,
  options: GlobalOptions,
  body: (connection: Connection) => Promise<T>,
  connectionOptions: ConnectionOptions = {},
): Promise<T> {
  const connection = await openConnection(project, options, connectionOptions);
  try {
    return await body(connection);
  } finally {
    waitingOn("the database connection to close");
    await closeDatabase(connection.sequelize);
  }
}

export function relativePath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith("..") ? relative : file;
}
