import type { Sequelize } from "sequelize";
import { InvalidInputError } from "../errors";

/**
 * The database user lacks a right on a table authdb reads or writes. Exit code 2, like any setup the
 * user must correct: never reported as "pending" or "no checksum", which would send them the wrong way.
 */
export class PermissionDeniedError extends InvalidInputError {
  constructor(
    readonly table: string,
    readonly rights: string[],
    role: string | undefined,
    context = "",
  ) {
    const who = role ? `the database user "${role}"` : "the database user";
    super(
      // A DELETE … WHERE also needs SELECT, and which one is missing cannot be asked in an aborted transaction.
      `permission denied for table ${table}: ${who} ${rights.length === 1 ? "lacks" : "needs"} ${rights.join(" and ")} on it${context ? ` (${context})` : ""}`,
      `Grant it: GRANT ${rights.join(", ")} ON ${table} TO ${role ? `"${role}"` : "<user>"}; or connect as the role that owns authdb's tables.`,
    );
  }
}

/** PostgreSQL's insufficient_privilege (42501), as Sequelize wraps it. */
export function isPermissionDenied(error: unknown): boolean {
  const parent = (error as { parent?: { code?: string } } | null)?.parent;
  return parent?.code === "42501" || (error as { code?: string } | null)?.code === "42501";
}

/** The user the instance connects as, for the GRANT in a hint (the URL's, when it names one). */
export function connectedRole(sequelize: Sequelize): string | undefined {
  return (sequelize as unknown as { config?: { username?: string } }).config?.username || undefined;
}

/** Runs `statement`; a permission failure becomes a PermissionDeniedError naming `table` and the `rights` it needs. */
export async function withTableRight<T>(sequelize: Sequelize, table: string, rights: string[], statement: () => Promise<T>): Promise<T> {
  try {
    return await statement();
  } catch (error) {
    if (isPermissionDenied(error)) throw new PermissionDeniedError(table, rights, connectedRole(sequelize));
    throw error;
  }
}
