/**
 * `foreignMigrations`: glob patterns on the names recorded in SequelizeMeta, for rows that another migrations
 * folder applied (a second service on the same database, an older sequelize-cli project). In the spirit of
 * Flyway's ignoreMigrationPatterns: such a row whose file is not in our folder is shown as foreign and never
 * blocks a run; a row with a file in our folder is ours, whatever the patterns say, so edits stay detected.
 *
 * Names are file names, never paths, so the glob is the small one: `*` any run of characters, `?` one
 * character. Node's path.matchesGlob is still experimental in Node 20 (it prints a warning), and a library
 * for full path globs would be a dependency for two wildcards.
 */

/** The pattern a name matches, or undefined. */
export type ForeignMatcher = (name: string) => string | undefined;

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (char) => (char === "*" ? ".*" : char === "?" ? "." : `\\${char}`));
  return new RegExp(`^${body}$`);
}

export function foreignMatcher(patterns: readonly string[]): ForeignMatcher {
  const compiled = patterns.map((pattern) => ({ pattern, regexp: globToRegExp(pattern) }));
  return (name) => compiled.find(({ regexp }) => regexp.test(name))?.pattern;
}

/** Why `pattern` cannot be a foreignMigrations entry, or null. */
export function foreignPatternProblem(pattern: string): string | null {
  if (pattern.trim() === "") return "is empty";
  if (/[/\\]/.test(pattern)) return "contains a path separator, but patterns match the recorded name (a file name such as 2019-create-orders.js), never a path";
  if (/^\*+$/.test(pattern)) {
    return "matches every name, so a migration of yours whose file was deleted would go unreported too; name the other folder's migrations, e.g. \"2019*\" or \"*-billing-*\"";
  }
  return null;
}
