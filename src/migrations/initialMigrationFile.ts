import { existsSync } from "node:fs";
import path from "node:path";
import { InvalidInputError } from "../errors";
import { initialMigrationName } from "./renderMigration";
import type { MigrationExtension } from "./moduleSystem";
import { docsFile } from "../docsLink";

/** Both extensions authdb has written the initial migration with (`.cjs` in a `"type": "module"` project). */
const INITIAL_EXTENSIONS: readonly MigrationExtension[] = [".js", ".cjs"];

/**
 * The initial migration's file name in `dir`, whichever extension it was written with, or undefined.
 * An older authdb wrote `.js` in a `"type": "module"` project too; that file is still the initial migration
 * (SequelizeMeta records its name), so nothing may write a second one beside it.
 */
export function findInitialMigration(dir: string): string | undefined {
  const found = INITIAL_EXTENSIONS.map((extension) => initialMigrationName(extension)).filter((name) => existsSync(path.join(dir, name)));
  if (found.length > 1) {
    // Both would run, and the second would fail on tables the first created.
    throw new InvalidInputError(
      `${dir} holds the initial migration twice: ${found.join(" and ")}`,
      `Keep the one your databases recorded in SequelizeMeta and delete the other (${docsFile("getting-started.md")} explains a rename from .js to .cjs).`,
    );
  }
  return found[0];
}
