import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { QueryInterface } from "sequelize";
import { renderInitialMigration, INITIAL_MIGRATION_NAME } from "../migrations/renderMigration";
import type { Schema } from "../schema";
import { migrationChecksum } from "./checksum";

export type MigrationFunction = (queryInterface: QueryInterface, sequelize: unknown) => Promise<unknown> | unknown;

/** What a migration file exports (the sequelize-cli shape, plus authdb's opt-out of the transaction). */
export interface MigrationModule {
  up: MigrationFunction;
  down?: MigrationFunction;
  /** false: run without a transaction (e.g. CREATE INDEX CONCURRENTLY). */
  transaction?: boolean;
}

/** One migration, known by name and checksum before its code is loaded. */
export interface MigrationUnit {
  name: string;
  checksum: string;
  /** The file, for migrations read from disk. */
  path?: string;
  load(): MigrationModule;
}

const MIGRATION_FILE = /\.(c?js)$/;

function loadFile(file: string): MigrationModule {
  // A long-lived process (tests, `verify`) may load the same file after it changed.
  delete require.cache[require.resolve(file)];
  return require(file) as MigrationModule;
}

/** The migration files in `dir`, in name order (the order sequelize-cli applies them). A missing dir has none. */
export function readMigrationDir(dir: string): MigrationUnit[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => MIGRATION_FILE.test(name) && !name.startsWith("."))
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      return { name, path: file, checksum: migrationChecksum(readFileSync(file, "utf8")), load: () => loadFile(file) };
    });
}

function evaluateCommonJs(source: string, filename: string): MigrationModule {
  const module = { exports: {} as MigrationModule };
  // The source is authdb's own rendering, never user input; it only uses the Sequelize argument it is given.
  new Function("module", "exports", "require", "__filename", source)(module, module.exports, require, filename);
  return module.exports;
}

/** A migration whose source is in memory (rendered, not yet written). */
export function migrationFromSource(name: string, source: string, file?: string): MigrationUnit {
  return { name, path: file, checksum: migrationChecksum(source), load: () => evaluateCommonJs(source, file ?? name) };
}

/** The migrations `authdb init` would write for `schema`, rendered in memory (same names, same checksums). */
export function renderedMigrationSet(schema: Schema): MigrationUnit[] {
  return [migrationFromSource(INITIAL_MIGRATION_NAME, renderInitialMigration(schema))];
}
