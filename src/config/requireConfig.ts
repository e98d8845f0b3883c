import Module from "node:module";
import path from "node:path";
import { projectModuleSystem } from "../migrations/moduleSystem";

/** Node's resolver; internal, but stable since Node 0.x, and what every require hook wraps. */
interface ResolvingModule {
  _resolveFilename(request: string, ...rest: unknown[]): string;
}

/** Whether Node's require reads `file` as CommonJS or JSON (a `.js` file only outside a "type": "module" package). */
function isCommonJsOrJson(file: string): boolean {
  if (/\.(cjs|json)$/.test(file)) return true;
  if (!file.endsWith(".js")) return false;
  try {
    return projectModuleSystem(path.dirname(file)) === "commonjs";
  } catch {
    return false;
  }
}

/**
 * Loads a CommonJS or JSON config with Node's require, `require("authdb")` in it answered by
 * `packageEntry` (as jiti's alias does). Null when the file is not CommonJS, or when anything fails:
 * the caller then loads it through jiti, which reports the failure as it always has (and which, like
 * this, runs the file natively first). What it exports is read as jiti reads it: `default`, if set.
 */
export function requireCommonJsConfig(file: string, packageEntry: string): { exported: unknown } | null {
  if (!isCommonJsOrJson(file)) return null;
  const resolver = Module as unknown as ResolvingModule;
  const resolve = resolver._resolveFilename;
  resolver._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return resolve.call(this, request === "authdb" ? packageEntry : request, ...rest);
  };
  delete require.cache[file];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(file) as { default?: unknown } | null | undefined;
    return { exported: exported?.default ?? exported };
  } catch {
    return null;
  } finally {
    resolver._resolveFilename = resolve;
    delete require.cache[file];
  }
}
