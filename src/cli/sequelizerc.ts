import { existsSync } from "node:fs";
import path from "node:path";
import { InvalidInputError } from "../errors";

/**
 * sequelize-cli's `.sequelizerc`: a CommonJS file exporting an object whose `migrations-path` (or
 * `migrationsPath`) names the migrations folder. A project that already runs sequelize-cli keeps its
 * folder; authdb uses it when its own config sets no `migrationsDir`.
 */
export const SEQUELIZERC = ".sequelizerc";

export interface Sequelizerc {
  file: string;
  /** Absolute; undefined when the file does not set it. */
  migrationsPath?: string;
}

/**
 * Loads `dir/.sequelizerc`, as sequelize-cli does: required from the project folder (the usual
 * `path.resolve("db", "migrations")` in it resolves against the working directory, so that is the
 * file's folder while it loads). A relative path it returns is relative to the file. No file: undefined.
 */
export function readSequelizerc(dir: string): Sequelizerc | undefined {
  const file = path.join(dir, SEQUELIZERC);
  if (!existsSync(file)) return undefined;
  const exported = loadInFolder(file);
  if (exported === null || typeof exported !== "object" || Array.isArray(exported)) {
    throw new InvalidInputError(`${file} must export an object (module.exports = { "migrations-path": … })`, "Fix .sequelizerc, or set migrationsDir in authdb.config.");
  }
  const options = exported as Record<string, unknown>;
  const key = "migrations-path" in options ? "migrations-path" : "migrationsPath" in options ? "migrationsPath" : undefined;
  if (!key) return { file };
  const value = options[key];
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidInputError(`${file}: "${key}" must be a folder path, got ${JSON.stringify(value) ?? String(value)}`, "Fix .sequelizerc, or set migrationsDir in authdb.config.");
  }
  return { file, migrationsPath: path.resolve(dir, value) };
}

/**
 * The `.sequelizerc` folder as a config's `migrationsDir` (relative to `dir`, forward slashes), for the
 * config `init` writes: a sequelize-cli project keeps one migrations folder for both tools.
 */
export function sequelizercMigrationsDir(dir: string): string | undefined {
  const migrationsPath = readSequelizerc(dir)?.migrationsPath;
  return migrationsPath === undefined ? undefined : path.relative(dir, migrationsPath).split(path.sep).join("/") || ".";
}

function loadInFolder(file: string): unknown {
  const previous = process.cwd();
  process.chdir(path.dirname(file));
  try {
    delete require.cache[file];
    try {
      return require(file);
    } catch (error) {
      // In a "type": "module" package Node may read the file as ESM; jiti reads what it is.
      if (!/ES module scope|ERR_REQUIRE_ESM|ERR_UNKNOWN_FILE_EXTENSION/.test(`${(error as NodeJS.ErrnoException).code} ${(error as Error).message}`)) throw error;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createJiti } = require("jiti") as typeof import("jiti");
      return createJiti(__filename, { moduleCache: false, fsCache: false })(file);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InvalidInputError(`${file} cannot be loaded: ${reason}`, "Fix .sequelizerc (sequelize-cli reads the same file), or set migrationsDir in authdb.config.");
  } finally {
    process.chdir(previous);
  }
}
