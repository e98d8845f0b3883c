/** Attributes whose values are credentials: error messages give their length, never their text. */
const SECRET_ATTRIBUTES = new Set(["sessionToken", "token", "access_token", "refresh_token", "id_token", "credentialPublicKey"]);

const SHOWN_CHARACTERS = 60;

/** A value as an error message shows it: `"12abc"`, `NaN`, `12n`, `an invalid Date`, `an object`; long or secret text abridged. */
export function describeValue(value: unknown, attribute: string): string {
  if (typeof value === "string") {
    if (SECRET_ATTRIBUTES.has(attribute)) return `a string of ${value.length} characters`;
    if (value.length <= SHOWN_CHARACTERS) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, SHOWN_CHARACTERS))}… (${value.length} characters)`;
  }
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : `the Date ${value.toISOString()}`;
  if (Array.isArray(value)) return "an array";
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}
