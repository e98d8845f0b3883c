import path from "node:path";
import type { Sequelize } from "sequelize";
import { loadConfig, type LoadedConfig } from "../config";
import { connectDatabase, redactUrl, resolveDatabaseUrl, type UrlSource } from "../database";

/** Options every command takes. */
export interface GlobalOptions {
  config?: string;
  url?: string;
  json?: boolean;
}

export interface Project extends LoadedConfig {
  migrationsDir: string;
}

export const DEFAULT_MIGRATIONS_DIR = "migrations";

/** Loads the config and resolves where its migrations live (relative to the config file). */
export async function openProject(options: GlobalOptions, cwd = process.cwd()): Promise<Project> {
  const loaded = await loadConfig({ cwd, configFile: options.config });
  return { ...loaded, migrationsDir: path.resolve(loaded.baseDir, loaded.config.migrationsDir ?? DEFAULT_MIGRATIONS_DIR) };
}

export interface Connection {
  sequelize: Sequelize;
  url: string;
  source: UrlSource;
  /** The URL with the password masked, and where it came from, for the first line of output. */
  label: string;
}

export async function openConnection(project: Project, options: GlobalOptions, cwd = process.cwd()): Promise<Connection> {
  const { url, source } = resolveDatabaseUrl({ flag: options.url, config: project.config.url });
  // A relative SQLite path in the config is relative to the config file, like migrationsDir.
  const base = source === "config" ? project.baseDir : cwd;
  const sequelize = await connectDatabase(url, {}, base);
  return { sequelize, url, source, label: `${redactUrl(url)} (from ${source === "default" ? "the default" : source})` };
}

/** Runs `body` with an open connection and always closes it, so the process can exit. */
export async function withConnection<T>(project: Project, options: GlobalOptions, body: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await openConnection(project, options);
  try {
    return await body(connection);
  } finally {
    await connection.sequelize.close();
  }
}

export function relativePath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith("..") ? relative : file;
}
