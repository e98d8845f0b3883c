import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { QueryInterface } from "sequelize";
import { InvalidInputError } from "../errors";
import { renderMigrationSet, schemaAtLevel } from "../migrations/migrationSet";
import { legacyRenderings } from "../migrations/legacyRenderings";
import { renderInitialMigration } from "../migrations/renderMigration";
import type { SchemaOptions } from "../schema";
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
  /**
   * Earlier renderings of the same migration that differ only in comments (the in-memory initial
   * migration before authdb reworded its doc comment): a database that recorded one of them is up to date.
   */
  acceptedChecksums?: string[];
  load(): MigrationModule;
}

/** CommonJS files load with require, as sequelize-cli loads them; ESM and TypeScript files through jiti. */
const REQUIRED = /\.c?js$/;
const COMPILED = /\.(mjs|ts|mts|cts)$/;
const DECLARATIONS = /\.d\.[cm]?ts$|\.map$/;
/** A name `authdb create` would give (a 14-digit UTC timestamp), whatever its extension. */
const MIGRATION_NAME = /^\d{14}-/;

let loader: ReturnType<typeof import("jiti").createJiti> | undefined;
/** Created on first use: most folders hold CommonJS files only, and `authdb status` loads none. */
function jiti(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loader ??= (require("jiti") as typeof import("jiti")).createJiti(__filename, { moduleCache: false, fsCache: false, interopDefault: false });
  return loader(file);
}

function isMigrationFile(name: string): boolean {
  return !name.startsWith(".") && !DECLARATIONS.test(name) && (REQUIRED.test(name) || COMPILED.test(name));
}

/** `export default { up, down }` (ESM, or TypeScript compiled to CommonJS) is as good as `module.exports = { up, down }`. */
function unwrapDefault(loaded: unknown): MigrationModule {
  const module = loaded as MigrationModule & { default?: MigrationModule };
  if (typeof module?.up !== "function" && module?.default && typeof module.default === "object") return module.default;
  return module;
}

function loadFile(file: string): MigrationModule {
  if (COMPILED.test(file)) return unwrapDefault(jiti(file));
  // A long-lived process (tests, `verify`) may load the same file after it changed.
  delete require.cache[require.resolve(file)];
  try {
    return unwrapDefault(require(file));
  } catch (error) {
    // In a "type": "module" package Node reads a CommonJS .js file as ESM; jiti reads it as what it is.
    if (/ES module scope|ERR_REQUIRE_ESM/.test(`${(error as NodeJS.ErrnoException).code} ${(error as Error).message}`)) return unwrapDefault(jiti(file));
    throw error;
  }
}

/** The migration files in `dir`, in name order (the order sequelize-cli applies them). A missing dir has none. */
export function readMigrationDir(dir: string): MigrationUnit[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir);
  const unknown = names.filter((name) => MIGRATION_NAME.test(name) && !isMigrationFile(name) && !DECLARATIONS.test(name));
  if (unknown.length) {
    throw new InvalidInputError(
      `${unknown.join(", ")} in ${dir} ${unknown.length === 1 ? "looks like a migration" : "look like migrations"}, but authdb runs only .js, .cjs, .mjs, .ts, .mts and .cts files`,
      "Rewrite it as a JavaScript or TypeScript migration exporting up() and down() (SQL can run through queryInterface.sequelize.query), or move it out of the folder.",
    );
  }
  return names
    .filter(isMigrationFile)
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      return { name, path: file, checksum: migrationChecksum(readFileSync(file, "utf8")), load: () => loadFile(file) };
    });
}

/**
 * Where a file that cannot be loaded went wrong: Node puts `file:line` and a caret under the column at the
 * top of a SyntaxError's stack; jiti puts `file:line:column` in its message.
 */
export function describeLoadError(error: unknown, file?: string): string {
  const message = error instanceof Error ? error.message.split("\n")[0].trim() : String(error);
  if (!(error instanceof Error)) return message;
  const fromJiti = /(\S+):(\d+):(\d+)\s*$/.exec(error.message);
  if (fromJiti) return `${message} at line ${fromJiti[2]}, column ${fromJiti[3]}`;
  const [where, , caret] = (error.stack ?? "").split("\n");
  const line = file && where?.startsWith(`${file}:`) ? Number(where.slice(file.length + 1)) : NaN;
  if (!Number.isInteger(line)) return message;
  const column = caret && /^\s*\^/.test(caret) ? caret.indexOf("^") + 1 : undefined;
  return `${error.name}: ${message} at line ${line}${column ? `, column ${column}` : ""}`;
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

/** The migrations `authdb init` would write for a config, rendered in memory (same names, same checksums). */
export function renderedMigrationSet(options: SchemaOptions): MigrationUnit[] {
  return renderMigrationSet(options).map(({ name, source }, i) => {
    const unit = migrationFromSource(name, source);
    const earlier = i === 0 ? [renderInitialMigration(schemaAtLevel(options, 1), "initial-migration-v1.js")] : [];
    const accepted = [...earlier, ...earlier.flatMap(legacyRenderings), ...legacyRenderings(source)];
    unit.acceptedChecksums = accepted.map(migrationChecksum);
    return unit;
  });
}

/** Whether a recorded checksum is this migration's (or an accepted earlier rendering of it). */
export function matchesChecksum(unit: MigrationUnit, checksum: string): boolean {
  return checksum === unit.checksum || (unit.acceptedChecksums?.includes(checksum) ?? false);
}
