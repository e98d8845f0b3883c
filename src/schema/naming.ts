/** `providerAccountId` → `provider_account_id`; `refresh_token` stays as it is. */
export function toColumnName(attribute: string): string {
  return attribute
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** PostgreSQL truncates identifiers at 63 bytes and MySQL at 64: the lower one keeps a name portable. */
export const MAX_IDENTIFIER_LENGTH = 63;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * MySQL and MariaDB name a foreign key they are given no name for `<table>_ibfk_1` (ERROR 1059 when it is too
 * long). MySQL takes a 64-character name; MariaDB 10.11 refuses a generated one of 64 (measured: a 56-character
 * table fits, 57 fails, whatever the database name), so a table holding one keeps its name to 56 characters.
 */
export const MYSQL_FOREIGN_KEY_SUFFIX = "_ibfk_1";
export const MAX_TABLE_NAME_WITH_FOREIGN_KEY = 63 - MYSQL_FOREIGN_KEY_SUFFIX.length;

/** Returns why `name` cannot be used as a table, column or attribute name, or null when it can. */
export function identifierProblem(name: string): string | null {
  if (typeof name !== "string" || name.length === 0) return "is empty";
  if (!IDENTIFIER.test(name)) return "may only contain letters, digits and underscores, and must not start with a digit";
  if (name.length > MAX_IDENTIFIER_LENGTH) return `is longer than ${MAX_IDENTIFIER_LENGTH} characters`;
  return null;
}

/**
 * Names every JavaScript object already has (`constructor`, `toString`, `__proto__`, …). An attribute named
 * so would read Object.prototype's member from any row or user object that lacks it, and `__proto__` would
 * set a prototype instead of a field: such a name cannot be an attribute.
 */
const OBJECT_MEMBER_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** identifierProblem, plus the names a plain JavaScript object cannot carry as data. */
export function attributeNameProblem(name: string): string | null {
  const problem = identifierProblem(name);
  if (problem) return problem;
  if (OBJECT_MEMBER_NAMES.has(name)) return `is the name of a member every JavaScript object has (Object.prototype.${name}), so a missing value could not be told from it`;
  return null;
}
