import path from "node:path";

/** The docs ship in the package, beside dist/: node_modules/authdb/docs once installed. */
const DOCS_DIR = path.resolve(__dirname, "..", "docs");

/**
 * A doc as the user can open it from where authdb runs (`node_modules/authdb/docs/config.md`), since a
 * bare `docs/config.md` in a hint names a folder their project does not have.
 */
export function docsFile(name: string, cwd = process.cwd()): string {
  const file = path.join(DOCS_DIR, name);
  const relative = path.relative(cwd, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}
