import type {
  Adapter,
  AdapterAccount,
  AdapterAuthenticator,
  AdapterSession,
  AdapterUser,
  VerificationToken,
} from "@auth/core/adapters" with { "resolution-mode": "import" };
import { randomUUID } from "node:crypto";
import { QueryTypes, Transaction, type Sequelize } from "sequelize";
import { validateConfig, type AuthdbConfig } from "../config";
import type { TableSpec } from "../schema";
import { detectCapabilities, type Capabilities } from "./capabilities";
import { resolveClient, type AdapterClient } from "./connection";
import { UnknownRecordError } from "./errors";
import { mergeExtend, type ModelsOption } from "./modelsOption";
import { fromRow, normalizeUuid, toDatabaseValue, type Row } from "./rowMapping";
import { ROW_KEYS, SqlStatements, type Statement } from "./sqlStatements";
import { verifySchema } from "./verifySchema";

export interface SequelizeAdapterOptions extends AuthdbConfig {
  /** false: skip the first-use check that the migrated tables and columns exist (default true). */
  verify?: boolean;
  /** The @auth/sequelize-adapter style: models whose extra attributes are custom columns. */
  models?: ModelsOption;
}

/** Every Auth.js adapter method, typed as the promises it returns, plus the Sequelize instance in use and `close()`. */
export interface AuthdbAdapter extends Adapter {
  readonly sequelize: Sequelize;
  /** Closes the connection pool when the adapter created it from a URL; does nothing for an instance you passed. */
  close(): Promise<void>;
  createUser(user: AdapterUser): Promise<AdapterUser>;
  getUser(id: string): Promise<AdapterUser | null>;
  getUserByEmail(email: string): Promise<AdapterUser | null>;
  getUserByAccount(account: Pick<AdapterAccount, "provider" | "providerAccountId">): Promise<AdapterUser | null>;
  updateUser(user: Partial<AdapterUser> & Pick<AdapterUser, "id">): Promise<AdapterUser>;
  deleteUser(userId: string): Promise<AdapterUser | null>;
  linkAccount(account: AdapterAccount): Promise<AdapterAccount>;
  unlinkAccount(account: Pick<AdapterAccount, "provider" | "providerAccountId">): Promise<AdapterAccount | undefined>;
  getAccount(providerAccountId: string, provider: string): Promise<AdapterAccount | null>;
  createSession(session: { sessionToken: string; userId: string; expires: Date }): Promise<AdapterSession>;
  getSessionAndUser(sessionToken: string): Promise<{ session: AdapterSession; user: AdapterUser } | null>;
  updateSession(session: Partial<AdapterSession> & Pick<AdapterSession, "sessionToken">): Promise<AdapterSession | null>;
  deleteSession(sessionToken: string): Promise<AdapterSession | null>;
  createVerificationToken(token: VerificationToken): Promise<VerificationToken>;
  useVerificationToken(params: { identifier: string; token: string }): Promise<VerificationToken | null>;
  createAuthenticator(authenticator: AdapterAuthenticator): Promise<AdapterAuthenticator>;
  getAuthenticator(credentialID: string): Promise<AdapterAuthenticator | null>;
  listAuthenticatorsByUserId(userId: string): Promise<AdapterAuthenticator[]>;
  updateAuthenticatorCounter(credentialID: string, newCounter: number): Promise<AdapterAuthenticator>;
}

/**
 * The Auth.js adapter on Sequelize. Reads and writes only the tables `authdb migrate` created (never
 * `sync()`, never DDL), with one bound-parameter SQL statement per call where the dialect allows it.
 *
 *   SequelizeAdapter(sequelize, config)                 // your instance; you close it
 *   SequelizeAdapter("postgres://…", config)            // the adapter's own pool; adapter.close()
 *   SequelizeAdapter({ url, ...sequelizeOptions }, config)
 */
export function SequelizeAdapter(client: AdapterClient, options: SequelizeAdapterOptions = {}): AuthdbAdapter {
  const { verify = true, models, ...config } = options;
  const { schema } = validateConfig(mergeExtend(config, models));
  const { sequelize, owned } = resolveClient(client);
  const sql = new SqlStatements(sequelize, schema);
  const { dialect } = sql;
  const { User, Account, Session, VerificationToken: Token, Authenticator } = schema.tables;
  // Sequelize's SQLite driver reads PRAGMA table_info before every SELECT that names a table; raw rows need none.
  const driverOptions = dialect === "sqlite" ? { tableNames: [] as string[] } : {};

  let capabilities: Capabilities | undefined;
  let starting: Promise<Capabilities> | undefined;
  /** The first call checks the schema (unless verify: false) and what the server supports; later calls return at once. */
  function ready(): Capabilities | Promise<Capabilities> {
    if (capabilities) return capabilities;
    if (!starting) {
      const start = (async () => {
        if (verify) await verifySchema(sequelize, schema);
        capabilities = await detectCapabilities(sequelize);
        return capabilities;
      })();
      start.catch(() => (starting = undefined));
      starting = start;
    }
    return starting;
  }

  const bind = (statement: Statement, values: Row) => statement.bind.map((c) => toDatabaseValue(c, values[c.attribute], dialect));

  /** A statement that returns rows (SELECT, or a write with RETURNING). */
  const rows = (statement: Statement, values: Row, transaction?: Transaction): Promise<Row[]> =>
    sequelize.query<Row>(statement.sql, { bind: bind(statement, values), type: QueryTypes.SELECT, raw: true, transaction, ...driverOptions });

  /** A write without RETURNING; resolves to the number of rows it changed. */
  const execute = async (statement: Statement, values: Row, transaction?: Transaction): Promise<number> =>
    Number(await sequelize.query(statement.sql, { bind: bind(statement, values), type: QueryTypes.BULKDELETE, transaction }));

  /** A key value that cannot be in a UUID column (e.g. "invalid-user-id") finds no row; it is never sent to the database. */
  const unknownKey = (table: TableSpec, by: readonly string[], values: Row) =>
    by.some((a) => table.columns.find((c) => c.attribute === a)?.type === "UUID" && normalizeUuid(values[a]) === null);

  async function selectRow<T>(table: TableSpec, by: readonly string[], values: Row): Promise<T | null> {
    if (unknownKey(table, by, values)) return null;
    await ready();
    const [row] = await rows(sql.select(table, by), values);
    return row ? fromRow<T>(table, row, dialect) : null;
  }

  /** Inserts the built-in columns (absent ones as NULL) and the custom ones given; returns the stored row. */
  async function insertRow<T>(table: TableSpec, values: Row): Promise<T> {
    const caps = await ready();
    const attributes = table.columns.filter((c) => !c.custom || values[c.attribute] !== undefined).map((c) => c.attribute);
    if (caps.insertReturning) {
      const [row] = await rows(sql.insert(table, attributes, true), values);
      return fromRow<T>(table, row, dialect);
    }
    await execute(sql.insert(table, attributes, false), values);
    return (await selectRow<T>(table, ROW_KEYS[table.model], values)) as T;
  }

  /** Sets only the attributes given (never a primary key); returns the updated row, or null when none matched. */
  async function updateRow<T>(table: TableSpec, values: Row, by: readonly string[]): Promise<T | null> {
    if (unknownKey(table, by, values)) return null;
    const caps = await ready();
    const set = table.columns.filter((c) => !c.primaryKey && !by.includes(c.attribute) && values[c.attribute] !== undefined).map((c) => c.attribute);
    if (!set.length) return selectRow<T>(table, by, values);
    if (caps.updateReturning) {
      const [row] = await rows(sql.update(table, set, by, true), values);
      return row ? fromRow<T>(table, row, dialect) : null;
    }
    await execute(sql.update(table, set, by, false), values);
    return selectRow<T>(table, by, values);
  }

  /**
   * Deletes one row and returns it, atomically: `DELETE … RETURNING` where the dialect has it, else a
   * transaction that locks the row (SELECT … FOR UPDATE; SQLite: an IMMEDIATE transaction), deletes it and
   * returns it only if the DELETE removed it. Of concurrent callers exactly one gets the row.
   */
  async function deleteRow<T>(table: TableSpec, by: readonly string[], values: Row): Promise<T | null> {
    if (unknownKey(table, by, values)) return null;
    const caps = await ready();
    if (caps.deleteReturning) {
      const [row] = await rows(sql.delete(table, by, true), values);
      return row ? fromRow<T>(table, row, dialect) : null;
    }
    const type = dialect === "sqlite" ? Transaction.TYPES.IMMEDIATE : undefined;
    return sequelize.transaction({ type }, async (transaction) => {
      const [row] = await rows(sql.select(table, by, { forUpdate: true }), values, transaction);
      if (!row) return null;
      const deleted = await execute(sql.delete(table, by, false), values, transaction);
      return deleted > 0 ? fromRow<T>(table, row, dialect) : null;
    });
  }

  return {
    sequelize,
    async close() {
      if (owned) await sequelize.close();
    },

    // Users. Auth.js passes a UUID as id; anything else cannot be stored in the UUID column, so it gets a fresh one.
    createUser: (user) => insertRow<AdapterUser>(User, { ...user, id: normalizeUuid(user.id) ?? randomUUID() }),
    getUser: (id) => selectRow<AdapterUser>(User, ["id"], { id }),
    getUserByEmail: (email) => selectRow<AdapterUser>(User, ["email"], { email }),
    async getUserByAccount({ provider, providerAccountId }) {
      await ready();
      const [row] = await rows(sql.userByAccount(), { provider, providerAccountId });
      return row ? fromRow<AdapterUser>(User, row, dialect) : null;
    },
    async updateUser(user) {
      const updated = await updateRow<AdapterUser>(User, user, ["id"]);
      if (!updated) throw new UnknownRecordError(`updateUser: there is no user with id ${JSON.stringify(user.id)}`);
      return updated;
    },
    /** One statement: the migrated foreign keys cascade to the user's accounts, sessions and authenticators. */
    deleteUser: (id) => deleteRow<AdapterUser>(User, ["id"], { id }),

    // Accounts. Token fields Auth.js does not store (expires_in, …) are ignored: only the table's columns are written.
    linkAccount: (account) => insertRow<AdapterAccount>(Account, { ...account, id: normalizeUuid((account as Row).id) ?? randomUUID() }),
    unlinkAccount: async ({ provider, providerAccountId }) =>
      (await deleteRow<AdapterAccount>(Account, ROW_KEYS.Account, { provider, providerAccountId })) ?? undefined,
    getAccount: (providerAccountId, provider) => selectRow<AdapterAccount>(Account, ROW_KEYS.Account, { provider, providerAccountId }),

    // Sessions.
    createSession: (session) => insertRow<AdapterSession>(Session, { ...session, id: randomUUID() }),
    async getSessionAndUser(sessionToken) {
      await ready();
      const [row] = await rows(sql.sessionAndUser(), { sessionToken });
      if (!row) return null;
      return { session: fromRow<AdapterSession>(Session, row, dialect, "session."), user: fromRow<AdapterUser>(User, row, dialect, "user.") };
    },
    updateSession: (session) => updateRow<AdapterSession>(Session, session, ROW_KEYS.Session),
    deleteSession: (sessionToken) => deleteRow<AdapterSession>(Session, ROW_KEYS.Session, { sessionToken }),

    // Verification tokens: used once, by identifier and token together; a wrong pair deletes nothing.
    createVerificationToken: (token) => insertRow<VerificationToken>(Token, { ...token }),
    useVerificationToken: ({ identifier, token }) => deleteRow<VerificationToken>(Token, ROW_KEYS.VerificationToken, { identifier, token }),

    // WebAuthn authenticators.
    createAuthenticator: (authenticator) => insertRow<AdapterAuthenticator>(Authenticator, { ...authenticator }),
    getAuthenticator: (credentialID) => selectRow<AdapterAuthenticator>(Authenticator, ROW_KEYS.Authenticator, { credentialID }),
    async listAuthenticatorsByUserId(userId) {
      if (normalizeUuid(userId) === null) return [];
      await ready();
      const found = await rows(sql.byUser(Authenticator), { userId });
      return found.map((row) => fromRow<AdapterAuthenticator>(Authenticator, row, dialect));
    },
    async updateAuthenticatorCounter(credentialID, counter) {
      const updated = await updateRow<AdapterAuthenticator>(Authenticator, { credentialID, counter }, ROW_KEYS.Authenticator);
      if (!updated) throw new UnknownRecordError(`updateAuthenticatorCounter: there is no authenticator with credentialID ${JSON.stringify(credentialID)}`);
      return updated;
    },
  };
}
