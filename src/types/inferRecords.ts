import type {
  AdapterAccount,
  AdapterAuthenticator,
  AdapterSession,
  AdapterUser,
  VerificationToken,
} from "@auth/core/adapters" with { "resolution-mode": "import" };
import type { ColumnType, ModelName } from "../schema";
import type { ColumnReadType, ColumnWriteType, JsonShapeOf } from "./columnValues";

/** Each model's Auth.js record type, before custom columns. */
export interface AuthjsRecords {
  User: AdapterUser;
  Account: AdapterAccount;
  Session: AdapterSession;
  VerificationToken: VerificationToken;
  Authenticator: AdapterAuthenticator;
}

type ExtendOf<Config> = Config extends { readonly extend?: infer Extend } ? NonNullable<Extend> : {};

/** The `extend` entries of one model, or {} when the config's type does not name them. */
type EntriesOf<Config, M extends ModelName> = M extends keyof ExtendOf<Config> ? NonNullable<ExtendOf<Config>[M]> : {};

/** Column names known to the type: none for `Record<string, …>` (a config typed AuthdbConfig, not inferred). */
type KnownNames<Entries> = string extends keyof Entries ? never : Extract<keyof Entries, string>;

/** The type name of an entry, or never for a DataTypes value (its `key` is typed `string` by Sequelize). */
type TypeNameOf<Entry> = Entry extends ColumnType ? Entry : Entry extends { readonly type: infer Name extends ColumnType } ? Name : never;

type Value<Entry, Side extends "read" | "write"> = [TypeNameOf<Entry>] extends [never]
  ? unknown
  : TypeNameOf<Entry> extends infer Name extends ColumnType
    ? JsonShapeOf<Name, Side extends "read" ? ColumnReadType<Name> : ColumnWriteType<Name>>
    : never;

type IsNotNull<Entry> = Entry extends { readonly allowNull: false } ? true : false;
type HasDefault<Entry> = Entry extends { readonly defaultValue: infer Default } ? (Default extends undefined ? false : true) : false;
type Nullable<Entry, T> = IsNotNull<Entry> extends true ? T : T | null;
/** Required on create only when the database would refuse the row without it: NOT NULL and no default. */
type RequiredOnCreate<Entry> = IsNotNull<Entry> extends true ? (HasDefault<Entry> extends true ? false : true) : false;

type Flatten<T> = { [K in keyof T]: T[K] } & {};

/**
 * The custom attributes of model M as the adapter returns them: `{ phoneNumber: string | null }`. NULL
 * is possible unless the column is `allowNull: false`. A DataTypes value gives `unknown`.
 */
export type InferColumns<Config, M extends ModelName> = Flatten<{
  -readonly [A in KnownNames<EntriesOf<Config, M>>]: Nullable<EntriesOf<Config, M>[A], Value<EntriesOf<Config, M>[A], "read">>;
}>;

/**
 * The custom attributes of model M as the adapter takes them on create: NOT NULL columns without a default
 * are required, the others optional (null allowed where the column allows it). updateX takes Partial of it.
 */
export type InferColumnsInput<Config, M extends ModelName> = Flatten<
  {
    -readonly [A in KnownNames<EntriesOf<Config, M>> as RequiredOnCreate<EntriesOf<Config, M>[A]> extends true ? A : never]: Value<EntriesOf<Config, M>[A], "write">;
  } & {
    -readonly [A in KnownNames<EntriesOf<Config, M>> as RequiredOnCreate<EntriesOf<Config, M>[A]> extends true ? never : A]?: Nullable<
      EntriesOf<Config, M>[A],
      Value<EntriesOf<Config, M>[A], "write">
    >;
  }
>;

/**
 * Model M's record as the adapter returns it: the Auth.js type and the custom columns. Without columns it
 * is the Auth.js type itself, so editors and errors name `AdapterUser` as they did before.
 */
export type InferRecord<Config, M extends ModelName> = [keyof InferColumns<Config, M>] extends [never]
  ? AuthjsRecords[M]
  : AuthjsRecords[M] & InferColumns<Config, M>;

/** `InferUser<typeof config>`: the user the adapter returns, e.g. `AdapterUser & { phoneNumber: string | null }`. */
export type InferUser<Config> = InferRecord<Config, "User">;
export type InferAccount<Config> = InferRecord<Config, "Account">;
export type InferSession<Config> = InferRecord<Config, "Session">;
export type InferVerificationToken<Config> = InferRecord<Config, "VerificationToken">;
export type InferAuthenticator<Config> = InferRecord<Config, "Authenticator">;

type WithoutIndexSignature<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/**
 * The account linkAccount takes. AdapterAccount allows any further OAuth token field through an index
 * signature of JSON values, which a custom column of another type (a Date) would fail; with custom Account
 * columns the input is AdapterAccount's named fields plus those columns.
 */
export type InferAccountInput<Config> = [keyof InferColumnsInput<Config, "Account">] extends [never]
  ? AdapterAccount
  : WithoutIndexSignature<AdapterAccount> & InferColumnsInput<Config, "Account">;
