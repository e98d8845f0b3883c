import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { InvalidInputError } from "../errors";

/** How Node (and sequelize-cli, which `import()`s migration files) reads a `.js` file in a folder. */
export type ModuleSystem = "commonjs" | "module";

/** The extension of a migration file authdb writes: CommonJS either way, so sequelize-cli runs it too. */
export type MigrationExtension = ".js" | ".cjs";

/**
 * The package.json that decides how Node reads `.js` files in `dir`: the nearest one upward, as Node
 * looks it up (it stops at a node_modules folder, which is a package boundary). Undefined when none.
 */
export function nearestPackageJson(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    if (path.basename(current) === "node_modules") return undefined;
    const candidate = path.join(current, "package.json");
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * "module" when the nearest package.json says `"type": "module"` (SvelteKit's default, many Next.js
 * apps): there a `.js` file is an ES module and `module.exports` fails. Anything else is CommonJS, as
 * Node decides. `dir` need not exist yet (init asks before it creates the migrations folder).
 */
export function projectModuleSystem(dir: string): ModuleSystem {
  const file = nearestPackageJson(dir);
  if (!file) return "commonjs";
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    // Node refuses to load any file under a broken package.json, so guessing would only move the failure.
    throw new InvalidInputError(
      `cannot read ${file} to tell whether .js files there are CommonJS or ES modules: ${(error as Error).message}`,
      "Fix the JSON in that package.json (npm and Node need it too), then run the command again.",
    );
  }
  const type = (manifest as { type?: unknown } | null)?.type;
  return type === "module" ? "module" : "commonjs";
}

/**
 * The extension for a new migration in `migrationsDir`: `.cjs` where `.js` means ES module, so the file
 * stays the plain CommonJS sequelize-cli runs (it loads migrations with `import()`, which honours "type").
 */
export function migrationExtension(migrationsDir: string): MigrationExtension {
  return projectModuleSystem(migrationsDir) === "module" ? ".cjs" : ".js";
}
