import { MODEL_NAMES } from "../schema/types";

/*
 * Loading zod is a large part of `authdb status`'s start-up, and almost every config is plainly right: a
 * few known fields of the right types. isPlainlyValidConfig recognises exactly such a config, so
 * validateConfig needs zod only for the others, where zod also words the error. It is stricter than the
 * zod shape in validateConfig.ts, never looser: whatever it accepts, that shape accepts too.
 */

/**
 * An object literal's kind of object: Object.prototype or no prototype, no symbol keys, no own
 * `constructor`, and only data properties (a getter is left to zod: this reads values, it runs no code).
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  if (Object.getOwnPropertySymbols(value).length > 0 || Object.hasOwn(value, "constructor")) return false;
  return Object.values(Object.getOwnPropertyDescriptors(value)).every((descriptor) => "value" in descriptor);
}

const isModelName = (key: string) => (MODEL_NAMES as readonly string[]).includes(key);

/** `{ User: …, Session: … }`: Auth.js model names only, each value passing `isValue`. */
function isModelRecord(value: unknown, isValue: (entry: unknown) => boolean): boolean {
  if (!isPlainObject(value)) return false;
  return Object.getOwnPropertyNames(value).every((key) => isModelName(key) && isValue(value[key]));
}

const isString = (value: unknown) => typeof value === "string";
const isNonEmptyString = (value: unknown) => typeof value === "string" && value.length > 0;

/** A plain array of strings, without holes (zod reads a hole as undefined, which is no string). */
function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return false;
  for (let i = 0; i < value.length; i++) {
    const descriptor = Object.getOwnPropertyDescriptor(value, i);
    if (!descriptor || !("value" in descriptor) || typeof descriptor.value !== "string") return false;
  }
  return true;
}

const FIELDS: Record<string, (value: unknown) => boolean> = {
  url: isNonEmptyString,
  migrationsDir: isNonEmptyString,
  schema: isString,
  tables: (value) => isModelRecord(value, isString),
  extend: (value) => isModelRecord(value, isPlainObject),
  migrationStorageTableName: isString,
  migrationStorageTableSchema: isString,
  foreignMigrations: isStringArray,
};

/** True when `input` has only known fields, each absent, undefined or plainly of its type. */
export function isPlainlyValidConfig(input: unknown): boolean {
  if (!isPlainObject(input)) return false;
  return Object.getOwnPropertyNames(input).every((key) => Object.hasOwn(FIELDS, key) && (input[key] === undefined || FIELDS[key](input[key])));
}
