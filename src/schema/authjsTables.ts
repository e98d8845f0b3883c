import type { ColumnSpec, ColumnType, ModelName } from "./types";
import { toColumnName } from "./naming";

/** A built-in column before naming: the attribute is what Auth.js calls the field. */
interface BuiltinColumn {
  attribute: string;
  type: ColumnType;
  length?: number;
  allowNull?: boolean;
  primaryKey?: boolean;
  defaultValue?: ColumnSpec["defaultValue"];
  referencesUser?: boolean;
}

interface BuiltinTable {
  defaultTable: string;
  columns: BuiltinColumn[];
  /** Unique keys and plain indexes, by attribute; names are derived from the table name. */
  unique: string[][];
  indexed: string[][];
  /**
   * Indexes a later authdb added to the table set, by built-in level. The initial migration always creates
   * level 1, and each later level ships as a built-in migration of its own, so a database migrated by an
   * older authdb (or a migration file it wrote) never changes meaning.
   */
  indexedSince?: Array<{ level: number; attributes: string[] }>;
}

/**
 * The level of authdb's own table set that this version builds: level 2 indexes `expires` for prune, level 3
 * makes text compare exactly on MySQL and MariaDB (EXACT_TEXT_LEVEL).
 */
export const BUILTIN_LEVEL = 3;

/** From this level on, every table is `exactText` (see TableSpec). */
export const EXACT_TEXT_LEVEL = 3;

// Why these types: OAuth tokens (Google, Azure AD) overflow varchar(255), so every token and scope is TEXT;
// `expires_at` is seconds since the epoch and must not wrap in 2038; dates keep milliseconds (DATE(3)
// becomes DATETIME(3) on MySQL, PostgreSQL and SQLite keep them anyway); the WebAuthn counter is an
// unsigned 32-bit value, which does not fit a signed INTEGER.
const DATE_MS = { type: "DATE", length: 3 } as const;

export const AUTHJS_TABLES: Record<ModelName, BuiltinTable> = {
  User: {
    defaultTable: "users",
    columns: [
      { attribute: "id", type: "UUID", primaryKey: true, allowNull: false },
      { attribute: "name", type: "STRING", length: 255 },
      { attribute: "email", type: "STRING", length: 255 },
      { attribute: "emailVerified", ...DATE_MS },
      { attribute: "image", type: "TEXT" },
    ],
    unique: [["email"]],
    indexed: [],
  },
  Account: {
    defaultTable: "accounts",
    columns: [
      { attribute: "id", type: "UUID", primaryKey: true, allowNull: false },
      { attribute: "userId", type: "UUID", allowNull: false, referencesUser: true },
      { attribute: "type", type: "STRING", length: 255, allowNull: false },
      { attribute: "provider", type: "STRING", length: 255, allowNull: false },
      { attribute: "providerAccountId", type: "STRING", length: 255, allowNull: false },
      { attribute: "refresh_token", type: "TEXT" },
      { attribute: "access_token", type: "TEXT" },
      { attribute: "expires_at", type: "BIGINT" },
      { attribute: "token_type", type: "STRING", length: 255 },
      { attribute: "scope", type: "TEXT" },
      { attribute: "id_token", type: "TEXT" },
      { attribute: "session_state", type: "TEXT" },
    ],
    unique: [["provider", "providerAccountId"]],
    indexed: [["userId"]],
  },
  Session: {
    defaultTable: "sessions",
    columns: [
      { attribute: "id", type: "UUID", primaryKey: true, allowNull: false },
      { attribute: "sessionToken", type: "STRING", length: 255, allowNull: false },
      { attribute: "userId", type: "UUID", allowNull: false, referencesUser: true },
      { attribute: "expires", ...DATE_MS, allowNull: false },
    ],
    unique: [["sessionToken"]],
    indexed: [["userId"]],
    indexedSince: [{ level: 2, attributes: ["expires"] }],
  },
  VerificationToken: {
    defaultTable: "verification_tokens",
    columns: [
      { attribute: "identifier", type: "STRING", length: 255, primaryKey: true, allowNull: false },
      { attribute: "token", type: "STRING", length: 255, primaryKey: true, allowNull: false },
      { attribute: "expires", ...DATE_MS, allowNull: false },
    ],
    unique: [],
    indexed: [],
    indexedSince: [{ level: 2, attributes: ["expires"] }],
  },
  Authenticator: {
    defaultTable: "authenticators",
    columns: [
      // userId first: the primary key (user_id, credential_id) then also serves listAuthenticatorsByUserId.
      { attribute: "userId", type: "UUID", primaryKey: true, allowNull: false, referencesUser: true },
      { attribute: "credentialID", type: "STRING", length: 255, primaryKey: true, allowNull: false },
      { attribute: "providerAccountId", type: "STRING", length: 255, allowNull: false },
      { attribute: "credentialPublicKey", type: "TEXT", allowNull: false },
      { attribute: "counter", type: "BIGINT", allowNull: false },
      { attribute: "credentialDeviceType", type: "STRING", length: 255, allowNull: false },
      { attribute: "credentialBackedUp", type: "BOOLEAN", allowNull: false },
      { attribute: "transports", type: "STRING", length: 255 },
    ],
    unique: [["credentialID"]],
    indexed: [],
  },
};

export function builtinColumnName(attribute: string): string {
  return toColumnName(attribute);
}

export type { BuiltinColumn, BuiltinTable };
