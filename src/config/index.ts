export { defineConfig, type AuthdbConfig } from "./types";
export { loadConfig, findConfigFile, CONFIG_FILE_NAMES, type LoadedConfig } from "./loadConfig";
export { validateConfig, ConfigError, type ValidatedConfig } from "./validateConfig";
export { assertFitsMysql } from "./assertFitsMysql";
