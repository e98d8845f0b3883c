import { existsSync } from "node:fs";
import path from "node:path";
import type { Schema } from "../schema";
import { requireCommonJsConfig } from "./requireConfig";
import type { AuthdbConfig } from "./types";
import { ConfigError, validateConfig } from "./validateConfig";

export const CONFIG_FILE_NAMES = [
  "authdb.config.ts",
  "authdb.config.mts",
  "authdb.config.cts",
  "authdb.config.js",
  "authdb.config.mjs",
  "authdb.config.cjs",
  "authdb.config.json",
] as const;

export interface LoadedConfig {
  config: AuthdbConfig;
  schema: Schema;
  /** Absolute path of the file read, or undefined when none was found and the defaults apply. */
  file?: string;
  /** Directory paths in the config are relative to: the config file's, or the working directory. */
  baseDir: string;
}

/**
 * What a config's `require("authdb")` gets, so it works even where authdb is not installed (npx, demo):
 * this package's API, loaded only as far as the config uses it (packageForConfigs.ts).
 */
const PACKAGE_ENTRY = path.resolve(__dirname, "packageForConfigs");

export function findConfigFile(cwd: string): string | undefined {
  return CONFIG_FILE_NAMES.map((name) => path.join(cwd, name)).find((file) => existsSync(file));
}

async function importConfigFile(file: string): Promise<unknown> {
  // A CommonJS or JSON config loads with Node's own require, as jiti would load it, without jiti's
  // transpiler (tens of milliseconds on every command). Anything else, or any failure, goes through
  // jiti, which reports errors as before.
  const commonJs = requireCommonJsConfig(file, PACKAGE_ENTRY);
  if (commonJs) return commonJs.exported;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createJiti } = require("jiti") as typeof import("jiti");
  const jiti = createJiti(__filename, { alias: { authdb: PACKAGE_ENTRY }, moduleCache: false, fsCache: false, tryNative: false });
  try {
    return await jiti.import(file, { default: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigError(`cannot be loaded: ${reason}`, file);
  }
}

/**
 * Reads the config given by `--config`, else the first authdb.config.* in `cwd`, else the defaults.
 * A TypeScript config loads through jiti, so users need no loader of their own.
 */
export async function loadConfig(options: { cwd?: string; configFile?: string } = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  let file: string | undefined;
  if (options.configFile) {
    file = path.resolve(cwd, options.configFile);
    if (!existsSync(file)) throw new ConfigError(`config file not found: ${file} (check --config)`);
  } else {
    file = findConfigFile(cwd);
  }
  if (!file) return { ...validateConfig({}), baseDir: cwd };
  const { config, schema } = validateConfig(await importConfigFile(file), file);
  return { config, schema, file, baseDir: path.dirname(file) };
}
