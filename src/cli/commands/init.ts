import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { assertFitsMysql, findConfigFile } from "../../config";
import { AuthdbError, ExitCode, InvalidInputError } from "../../errors";
import { DEFAULT_SQLITE_URL, isMissingSqliteFile, resolveDatabaseUrl, type UrlSource } from "../../database";
import { builtinMigrationOf, renderMigrationSet } from "../../migrations/migrationSet";
import { renderConfigFile } from "../../migrations/renderMigration";
import { writeSnapshot } from "../../migrations/snapshot";
import { MetaStore, readMigrationDir } from "../../migrator";
import { findInitialMigration } from "../../migrations/initialMigrationFile";
import { migrationExtension, projectModuleSystem } from "../../migrations/moduleSystem";
import { tablesInOrder } from "../../schema";
import { sequelizercMigrationsDir } from "../sequelizerc";
import { Output, formatDuration } from "../output";
import { DEFAULT_MIGRATIONS_DIR, openProject, relativePath, withConnection, type GlobalOptions, type Project } from "../project";

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
  // The app imports this file too: it must be what Node expects a .js file to be here.
  const moduleSystem = projectModuleSystem(path.dirname(file));
  writeFileSync(file, renderConfigFile(options.migrationsDir ?? sequelizercMigrationsDir(path.dirname(file)) ?? DEFAULT_MIGRATIONS_DIR, moduleSystem));
  const kind = moduleSystem === "module" ? 'an ES module, as package.json says "type": "module"; ' : "";
  output.success(`Created ${relativePath(file)} (${kind}add your own columns under extend.User)`);
  return { file, created: true };
}

export async function init(options: InitOptions): Promise<void> {
  const output = new Output({ json: options.json });
  const started = performance.now();
  if (options.url !== undefined && !options.force) {
    // The files are the same for every database, so none is consulted; silently dropping the flag would
    // let a user believe init checked or prepared the database it names.
    output.warn("--url is not used: init writes files and connects to no database (only init --force asks one whether it applied them). Pass the URL to `npx authdb migrate`.");
  }
  const config = writeConfigIfMissing(options, output);
  const project = await openProject({ ...options, config: config.file });
  assertFitsMysql(project.schema, project.file);
  const migrationsDir = options.migrationsDir ? path.resolve(options.migrationsDir) : project.migrationsDir;
  if (migrationsDir !== project.migrationsDir) {
    // migrate reads the config's folder: files written anywhere else would never be applied.
    throw new InvalidInputError(
      `--migrations-dir ${relativePath(migrationsDir)} differs from migrationsDir in ${relativePath(config.file)} (${relativePath(project.migrationsDir)})`,
      "Change migrationsDir in the config, or run init without --migrations-dir.",
    );
  }
  // An existing initial migration keeps its name (SequelizeMeta records it); a new one is .cjs in a "type": "module" project.
  const extension = migrationExtension(migrationsDir);
  const existingInitial = findInitialMigration(migrationsDir);
  const set = renderMigrationSet({ tables: project.config.tables, extend: project.config.extend }, extension).map((m, i) => ({
    ...m,
    name: i === 0 && existingInitial ? existingInitial : m.name,
  }));
  const file = path.join(migrationsDir, set[0].name);
  if (existsSync(file) && !options.force) {
    throw new AuthdbError(
      `${relativePath(file)} already exists; init does not overwrite it`,
      ExitCode.migrationFailed,
      "For a change to the config, run `npx authdb generate`: it writes a new migration. --force renders the files again, and only where no database has applied them.",
    );
  }
  if (options.force) {
    // A database that applied the files is the stronger reason (exit 6), so it is asked first.
    const consulted = await refuseOverwritingApplied(project, options, set.map((m) => m.name).filter((name) => existsSync(path.join(migrationsDir, name))));
    refuseRewritingHistory(migrationsDir, set.map((m) => m.name));
    if (!consulted) output.warn("no database URL was given (--url, config url, DATABASE_URL), so no database was asked whether it applied these files: --force is safe only if none has.");
  }
  mkdirSync(migrationsDir, { recursive: true });
  const files = set.map((m) => {
    const target = path.join(migrationsDir, m.name);
    writeFileSync(target, m.source);
    return target;
  });
  const snapshot = writeSnapshot(migrationsDir, project.schema);
  const tables = tablesInOrder(project.schema);
  const custom = tables.flatMap((t) => t.columns.filter((c) => c.custom).map((c) => `${t.table}.${c.column}`));
  output.success(
    `${options.force ? "Wrote" : "Created"} ${relativePath(file)} (${tables.map((t) => t.table).join(", ")}; custom columns: ${custom.join(", ") || "none"})`,
  );
  for (const other of files.slice(1)) output.success(`${options.force ? "Wrote" : "Created"} ${relativePath(other)} (${builtinMigrationOf(path.basename(other))?.label ?? "authdb's own"})`);
  output.success(`${options.force ? "Wrote" : "Created"} ${relativePath(snapshot)} (the schema these migrations hold; commit it with them)`);
  output.line(`Done in ${formatDuration(performance.now() - started)}.`);
  output.next(
    config.created
      ? `add custom columns in ${relativePath(config.file)} if you need them, then run \`npx authdb migrate\` (set DATABASE_URL or pass --url).`
      : "run `npx authdb migrate` (set DATABASE_URL or pass --url).",
  );
  output.result("init", { config: { file: config.file, created: config.created }, migrations: files, snapshot, customColumns: custom });
}

/**
 * `init --force` re-renders files every database shares: refused for any file the database at hand
 * (--url, config url, DATABASE_URL, or an existing default SQLite file) has applied.
 */
/** Later migrations build on the initial one: rendering it again from today's config would change what they build on. */
function refuseRewritingHistory(migrationsDir: string, setNames: string[]): void {
  const later = readMigrationDir(migrationsDir)
    .map((unit) => unit.name)
    .filter((name) => !setNames.includes(name));
  if (later.length) {
    throw new InvalidInputError(
      `${relativePath(migrationsDir)} holds later migrations (${later.join(", ")}) that build on the initial one; init --force would change what they build on`,
      "Change the config and run `npx authdb generate` instead: it writes a new migration for the difference.",
    );
  }
}

/** Returns whether a database was asked. */
async function refuseOverwritingApplied(project: Project, options: InitOptions, names: string[]): Promise<boolean> {
  if (!names.length) return true;
  let source: UrlSource;
  try {
    source = resolveDatabaseUrl({ flag: options.url, config: project.config.url }).source;
  } catch {
    return false; // No database named (CI without a URL): nothing to ask.
  }
  if (source === "default" && isMissingSqliteFile(DEFAULT_SQLITE_URL, process.cwd())) return false;
  await withConnection(
    project,
    options,
    async ({ sequelize, label }) => {
      const applied = new Set((await new MetaStore(sequelize).listApplied()).map((m) => m.name));
      const hit = names.filter((name) => applied.has(name));
      if (hit.length) {
        throw new AuthdbError(
          `${hit.join(", ")} ${hit.length === 1 ? "is" : "are"} applied on ${label}; init --force does not overwrite an applied migration (every database shares the file)`,
          ExitCode.changedMigration,
          "Change the config and run `npx authdb generate`: it writes a new migration for the difference.",
        );
      }
    },
    { readOnly: true },
  );
  return true;
}
