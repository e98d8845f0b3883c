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

/** Returns why `name` cannot be used as a table, column or attribute name, or null when it can. */
export function identifierProblem(name: string): string | null {
  if (typeof name !== "string" || name.length === 0) return "is empty";
  if (!IDENTIFIER.test(name)) return "may only contain letters, digits and underscores, and must not start with a digit";
  if (name.length > MAX_IDENTIFIER_LENGTH) return `is longer than ${MAX_IDENTIFIER_LENGTH} characters`;
  return null;
}
