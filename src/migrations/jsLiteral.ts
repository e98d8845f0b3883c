import { COLUMN_TYPES } from "../schema/types";
import { identifierProblem } from "../schema/naming";

/**
 * The only way a schema value enters a migration's source. A migration file is code that `migrate` runs,
 * so a value is written as a JSON literal of the exact kind the renderer expects, and anything else (a
 * string where a length belongs, NaN, an object, a function) throws instead of being pasted. The schema
 * is validated before it gets here; this guards the renderer against a schema built any other way.
 */
export class UnsafeMigrationValueError extends Error {}

export type LiteralKind = "string" | "boolean" | "integer" | "scalar";

const EXPECTED: Record<LiteralKind, string> = {
  string: "a string",
  boolean: "true or false",
  integer: "a safe integer",
  scalar: "a string, a finite number, a boolean or null",
};

function kindOf(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === null) return "null";
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

function fits(value: unknown, kind: LiteralKind): boolean {
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isSafeInteger(value);
    case "scalar":
      return value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
  }
}

/** `value` as a JavaScript literal of `kind`; `where` names it in the error (`users.phone_number length`). */
export function jsLiteral(value: unknown, kind: LiteralKind, where: string): string {
  if (!fits(value, kind)) throw new UnsafeMigrationValueError(`${where} must be ${EXPECTED[kind]} to be written into a migration, got ${kindOf(value)}`);
  // U+2028/U+2029 are valid in JSON strings and in modern JavaScript, but not in every tool that reads JS.
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** A table or column name written bare (an object key, a comment): only a valid identifier may be. */
export function jsIdentifier(name: unknown, where: string): string {
  const problem = typeof name === "string" ? identifierProblem(name) : "is not a string";
  if (problem) throw new UnsafeMigrationValueError(`${where}: ${JSON.stringify(String(name))} cannot be written into a migration: it ${problem}`);
  return name as string;
}

/** A Sequelize type name written bare (`Sequelize.STRING`): only one of COLUMN_TYPES may be. */
export function jsTypeName(type: unknown, where: string): string {
  if (typeof type !== "string" || !(COLUMN_TYPES as readonly string[]).includes(type)) {
    throw new UnsafeMigrationValueError(`${where}: type ${JSON.stringify(String(type))} is not one of ${COLUMN_TYPES.join(", ")}`);
  }
  return type;
}
