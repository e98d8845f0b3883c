import { createHash } from "node:crypto";

/** ("auth", "db  " in ASCII): the key pair every authdb release before schemas used. */
export const KEY_CLASS = 0x61757468;
const LEGACY_OBJECT_KEY = 0x64622020;

/**
 * The advisory lock's second key, per schema: advisory locks are per database, and two apps in two
 * schemas of one database must not wait on each other. `public` (and a search_path with no schema)
 * keeps the key earlier releases used, so an old and a new authdb on the same tables still exclude
 * each other during a rolling deploy. Other schemas get 31 bits of sha256(schema): positive, so it
 * compares equal to pg_locks.objid (an unsigned oid).
 */
export function lockObjectKey(schema: string | null): number {
  if (schema === null || schema === "public") return LEGACY_OBJECT_KEY;
  return createHash("sha256").update(schema).digest().readUInt32BE(0) & 0x7fffffff;
}
