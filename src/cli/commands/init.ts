import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Command } from "commander";
import { findConfigFile } from "../../config";
import { AuthdbError, ExitCode, InvalidInputError } from "../../errors";
import { INITIAL_MIGRATION_NAME, renderConfigFile, renderInitialMigration } from "../../migrations/renderMigration";
import { tablesInOrder } from "../../schema";
import { withGlobalOptions } from "../options";
import { Output, formatDuration } from "../output";
import { DEFAULT_MIGRATIONS_DIR, openProject, relativePath, type GlobalOptions } from "../project";

interface InitOptions extends GlobalOptions {
  force?: boolean;
  migrationsDir?: string;
}

function writeConfigIfMissing(options: InitOptions, output: Output): { file: string; created: boolean } {
  const existing = options.config ? path.resolve(options.config) : findConfigFile(process.cwd());
  if (existing) {
    output.line(`Using ${relativePath(existing)}`);
    return { file: existing, created: false };
  }
  const file = path.resolve("authdb.config.js");
  writeFileSync(file, renderConfigFile(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR));
  output.success(`Created ${relativePath(file)} (add your own columns under extend.User)`);
  return { file, created: true };
}

async function init(options: InitOptions): Promise<void> {
  const output = new Output({ json: options.json });
  const started = performance.now();
  const config = writeConfigIfMissing(options, output);
  const project = await openProject({ ...options, config: config.file });
  const migrationsDir = options.migrationsDir ? path.resolve(options.migrationsDir) : project.migrationsDir;
  if (migrationsDir !== project.migrationsDir) {
    // migrate reads the config's folder: files written anywhere else would never be applied.
    throw new InvalidInputError(
      `--migrations-dir ${relativePath(migrationsDir)} differs from migrationsDir in ${relativePath(config.file)} (${relativePath(project.migrationsDir)})`,
      "Change migrationsDir in the config, or run init without --migrations-dir.",
    );
  }
  const file = path.join(migrationsDir, INITIAL_MIGRATION_NAME);
  if (existsSync(file) && !options.force) {
    throw new AuthdbError(
      `${relativePath(file)} already exists; init does not overwrite it`,
      ExitCode.migrationFailed,
      "Pass --force to render it again from the config (only if it is not applied to any database yet); for a change to an applied schema, add a new migration (authdb create).",
    );
  }
  mkdirSync(migrationsDir, { recursive: true });
  writeFileSync(file, renderInitialMigration(project.schema));
  const tables = tablesInOrder(project.schema);
  const custom = tables.flatMap((t) => t.columns.filter((c) => c.custom).map((c) => `${t.table}.${c.column}`));
  output.success(
    `${options.force ? "Wrote" : "Created"} ${relativePath(file)} (${tables.map((t) => t.table).join(", ")}; custom columns: ${custom.join(", ") || "none"})`,
  );
  output.line(`Done in ${formatDuration(performance.now() - started)}.`);
  output.next(
    config.created
      ? `add custom columns in ${relativePath(config.file)} if you need them, then run \`npx authdb migrate\` (set DATABASE_URL or pass --url).`
      : "run `npx authdb migrate` (set DATABASE_URL or pass --url).",
  );
  output.result({ command: "init", config: { file: config.file, created: config.created }, migrations: [file], customColumns: custom });
}

export function registerInit(program: Command): void {
  withGlobalOptions(
    program
      .command("init")
      .description("write authdb.config.js (if missing) and the migration that creates the Auth.js tables")
      .option("--force", "overwrite an existing initial migration file")
      .option("--migrations-dir <dir>", "where to write migrations (default: config migrationsDir, else ./migrations)"),
  ).action(init);
}
