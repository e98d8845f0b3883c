import type {
  Adapter,
  AdapterAccount,
  AdapterAuthenticator,
  AdapterSession,
  AdapterUser,
  VerificationToken,
} from "@auth/core/adapters" with { "resolution-mode": "import" };
import { randomUUID } from "node:crypto";
import { Transaction, type Sequelize } from "sequelize";
import { validateConfig, type AuthdbConfig } from "../config";
import type { ColumnSpec, TableSpec } from "../schema";
import type { CheckedConfig, WithLooseExtend } from "../types/configInput";
import type {
  InferAccount,
  InferAccountInput,
  InferAuthenticator,
  InferColumnsInput,
  InferSession,
  InferUser,
  InferVerificationToken,
} from "../types/inferRecords";
import { detectCapabilities, type Capabilities } from "./capabilities";
import { columnEncoders, NO_MATCH } from "./columnEncoders";
import { resolveClient, type AdapterClient } from "./connection";
import { isUncomparableKey, translateDatabaseError } from "./databaseErrors";
import { describeValue } from "./describeValue";
import { UnknownRecordError } from "./errors";
import { mergeExtend, type ModelsOption } from "./modelsOption";
import { createQueryPath, type Intent } from "./query";
import { fromRow, normalizeUuid, type Row } from "./rowMapping";
import { ROW_KEYS, SqlStatements, type Statement } from "./sqlStatements";
import { verifySchema } from "./verifySchema";

export interface SequelizeAdapterOptions extends AuthdbConfig {
  /** false: skip the first-use check that the migrated tables and columns exist (default true). */
  verify?: boolean;
  /** The @auth/sequelize-adapter style: models whose extra attributes are custom columns. */
  models?: ModelsOption;
  /**
   * PostgreSQL: run each statement as a named prepared statement, parsed and planned once per connection
   * (default true). Set false behind a pooler that hands each transaction another server connection
   * without tracking prepared statements (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean;
}

/**
 * Every Auth.js adapter method, typed as the promises it returns, plus the Sequelize instance in use and
 * `close()`. `Config` is the config's type (`AuthdbAdapter<typeof config>`): its `extend` columns appear on
 * the records each method takes and returns, typed by column type and nullability (docs/typescript.md).
 * The default, `{}`, is the plain Auth.js types.
 */
export interface AuthdbAdapter<Config = {}> extends Adapter {
  readonly sequelize: Sequelize;
  /** Closes the connection pool when the adapter created it from a URL; does nothing for an instance you passed. */
  close(): Promise<void>;
  createUser(user: AdapterUser & InferColumnsInput<Config, "User">): Promise<InferUser<Config>>;
  getUser(id: string): Promise<InferUser<Config> | null>;
  getUserByEmail(email: string): Promise<InferUser<Config> | null>;
  getUserByAccount(account: Pick<AdapterAccount, "provider" | "providerAccountId">): Promise<InferUser<Config> | null>;
  updateUser(user: Partial<AdapterUser> & Pick<AdapterUser, "id"> & Partial<InferColumnsInput<Config, "User">>): Promise<InferUser<Config>>;
  deleteUser(userId: string): Promise<InferUser<Config> | null>;
  linkAccount(account: InferAccountInput<Config>): Promise<InferAccount<Config>>;
  unlinkAccount(account: Pick<AdapterAccount, "provider" | "providerAccountId">): Promise<InferAccount<Config> | undefined>;
  getAccount(providerAccountId: string, provider: string): Promise<InferAccount<Config> | null>;
  createSession(session: { sessionToken: string; userId: string; expires: Date } & InferColumnsInput<Config, "Session">): Promise<InferSession<Config>>;
  getSessionAndUser(sessionToken: string): Promise<{ session: InferSession<Config>; user: InferUser<Config> } | null>;
  updateSession(
    session: Partial<AdapterSession> & Pick<AdapterSession, "sessionToken"> & Partial<InferColumnsInput<Config, "Session">>,
  ): Promise<InferSession<Config> | null>;
  deleteSession(sessionToken: string): Promise<InferSession<Config> | null>;
  createVerificationToken(token: VerificationToken & InferColumnsInput<Config, "VerificationToken">): Promise<InferVerificationToken<Config>>;
  useVerificationToken(params: { identifier: string; token: string }): Promise<InferVerificationToken<Config> | null>;
  createAuthenticator(authenticator: AdapterAuthenticator & InferColumnsInput<Config, "Authenticator">): Promise<InferAuthenticator<Config>>;
  getAuthenticator(credentialID: string): Promise<InferAuthenticator<Config> | null>;
  listAuthenticatorsByUserId(userId: string): Promise<InferAuthenticator<Config>[]>;
  updateAuthenticatorCounter(credentialID: string, newCounter: number): Promise<InferAuthenticator<Config>>;
}

/**
 * The Auth.js adapter on Sequelize. Reads and writes only the tables `authdb migrate` created (never
 * `sync()`, never DDL), with one bound-parameter SQL statement per call where the dialect allows it.
 *
 *   SequelizeAdapter(sequelize, config)                 // your instance; you close it
 *   SequelizeAdapter("postgres://…", config)            // the adapter's own pool; adapter.close()
 *   SequelizeAdapter({ url, ...sequelizeOptions }, config)
 */
export function SequelizeAdapter<const Options extends WithLooseExtend<SequelizeAdapterOptions> = {}>(
  client: AdapterClient,
  options?: Options & CheckedConfig<Options>,
): AuthdbAdapter<Options>;
export function SequelizeAdapter(client: AdapterClient, options: SequelizeAdapterOptions = {}): AuthdbAdapter {
  const { verify = true, models, preparedStatements = true, ...config } = options;
  const { schema } = validateConfig(mergeExtend(config, models));
  const { sequelize, owned } = resolveClient(client);
  const sql = new SqlStatements(sequelize, schema, config.schema);
  const { dialect } = sql;
  const { User, Account, Session, VerificationToken: Token, Authenticator } = schema.tables;
  const query = createQueryPath(sequelize, { preparedStatements });

  let capabilities: Capabilities | undefined;
  let starting: Promise<Capabilities> | undefined;
  /** The first call checks the schema (unless verify: false) and what the server supports; later calls return at once. */
  function ready(): Capabilities | Promise<Capabilities> {
    if (capabilities) return capabilities;
    if (!starting) {
      const start = (async () => {
        if (verify) await verifySchema(sequelize, schema, config.schema);
        capabilities = await detectCapabilities(sequelize);
        return capabilities;
      })();
      start.catch(() => (starting = undefined));
      starting = start;
    }
    return starting;
  }

  const encoders = columnEncoders(schema, dialect);

  /** Bind values for written columns; a value its column cannot store exactly throws InvalidValueError. */
  const writes = (columns: readonly ColumnSpec[], values: Row) => columns.map((c) => encoders.get(c)!.write(values[c.attribute]));

  /** Bind values for lookup keys, or null when one of them cannot be in any row (the call then finds nothing, without a query). */
  function keys(columns: readonly ColumnSpec[], values: Row): unknown[] | null {
    const bound = new Array<unknown>(columns.length);
    for (let i = 0; i < columns.length; i++) {
      bound[i] = encoders.get(columns[i]!)!.key(values[columns[i]!.attribute]);
      if (bound[i] === NO_MATCH) return null;
    }
    return bound;
  }

  /**
   * Runs one statement of `table`; a constraint violation becomes an authdb error naming the attribute(s).
   * `none` is what it gives when a key it compares cannot be in any row: a MySQL column in a narrower
   * character set (latin1, utf8mb3) refuses to compare with a character it lacks, and no row holds one, so
   * the call finds nothing, as keys() decides for other impossible keys (a hostile cookie is not a 500).
   */
  async function run<T>(table: TableSpec, statement: Statement, bound: unknown[], execute: () => Promise<T>, none: T): Promise<T> {
    try {
      return await execute();
    } catch (error) {
      if (isUncomparableKey(error)) return none;
      throw translateDatabaseError(error, { table, columns: statement.bind, values: bound });
    }
  }

  /** A statement that returns rows: a SELECT (`read`), or a write with RETURNING. */
  const rows = (table: TableSpec, statement: Statement, bound: unknown[], intent: Intent, transaction?: Transaction): Promise<Row[]> =>
    run(table, statement, bound, () => query.rows(statement, bound, intent, transaction), []);

  /** A write without RETURNING; resolves to the number of rows it changed. */
  const execute = (table: TableSpec, statement: Statement, bound: unknown[], transaction?: Transaction): Promise<number> =>
    run(table, statement, bound, () => query.count(statement, bound, transaction), 0);

  /** `intent: "write"` reads from the primary: the row a write without RETURNING just changed, never a lagging replica's. */
  async function selectRow<T>(table: TableSpec, by: readonly string[], values: Row, intent: Intent = "read"): Promise<T | null> {
    const statement = sql.select(table, by);
    const bound = keys(statement.bind, values);
    if (!bound) return null;
    await ready();
    const [row] = await rows(table, statement, bound, intent);
    return row ? fromRow<T>(table, row, dialect) : null;
  }

  /** Inserts the built-in columns (absent ones as NULL) and the custom ones given; returns the stored row. */
  async function insertRow<T>(table: TableSpec, values: Row): Promise<T> {
    const attributes = table.columns.filter((c) => !c.custom || values[c.attribute] !== undefined).map((c) => c.attribute);
    // Values are checked before the first query, so a refused value never reaches the database.
    const bound = writes(sql.insert(table, attributes, true).bind, values);
    const caps = await ready();
    const statement = sql.insert(table, attributes, caps.insertReturning);
    if (caps.insertReturning) {
      const [row] = await rows(table, statement, bound, "write");
      return fromRow<T>(table, row!, dialect);
    }
    await execute(table, statement, bound);
    return (await selectRow<T>(table, ROW_KEYS[table.model], values, "write")) as T;
  }

  /** Sets only the attributes given (never a primary key); returns the updated row, or null when none matched. */
  async function updateRow<T>(table: TableSpec, values: Row, by: readonly string[]): Promise<T | null> {
    const key = keys(sql.select(table, by).bind, values);
    if (!key) return null;
    const set = table.columns.filter((c) => !c.primaryKey && !by.includes(c.attribute) && values[c.attribute] !== undefined);
    if (!set.length) return selectRow<T>(table, by, values);
    const bound = [...writes(set, values), ...key];
    const caps = await ready();
    const statement = sql.update(table, set.map((c) => c.attribute), by, caps.updateReturning);
    if (caps.updateReturning) {
      const [row] = await rows(table, statement, bound, "write");
      return row ? fromRow<T>(table, row, dialect) : null;
    }
    await execute(table, statement, bound);
    return selectRow<T>(table, by, values, "write");
  }

  /**
   * Deletes one row and returns it, atomically: `DELETE … RETURNING` where the dialect has it, else a
   * transaction that locks the row (SELECT … FOR UPDATE; SQLite: an IMMEDIATE transaction), deletes it and
   * returns it only if the DELETE removed it. Of concurrent callers exactly one gets the row.
   */
  async function deleteRow<T>(table: TableSpec, by: readonly string[], values: Row): Promise<T | null> {
    // SELECT and DELETE by the same attributes bind the same columns in the same order.
    const bound = keys(sql.select(table, by).bind, values);
    if (!bound) return null;
    const caps = await ready();
    if (caps.deleteReturning) {
      const [row] = await rows(table, sql.delete(table, by, true), bound, "write");
      return row ? fromRow<T>(table, row, dialect) : null;
    }
    const type = dialect === "sqlite" ? Transaction.TYPES.IMMEDIATE : undefined;
    return sequelize.transaction({ type }, async (transaction) => {
      const [row] = await rows(table, sql.select(table, by, { forUpdate: true }), bound, "write", transaction);
      if (!row) return null;
      const deleted = await execute(table, sql.delete(table, by, false), bound, transaction);
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
      const statement = sql.userByAccount();
      const bound = keys(statement.bind, { provider, providerAccountId });
      if (!bound) return null;
      await ready();
      const [row] = await rows(Account, statement, bound, "read");
      return row ? fromRow<AdapterUser>(User, row, dialect) : null;
    },
    async updateUser(user) {
      const updated = await updateRow<AdapterUser>(User, user, ["id"]);
      if (!updated) throw new UnknownRecordError(`updateUser: there is no user with id ${describeValue(user.id, "id")}`);
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
      const statement = sql.sessionAndUser();
      const bound = keys(statement.bind, { sessionToken });
      if (!bound) return null;
      await ready();
      const [row] = await rows(Session, statement, bound, "read");
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
      const statement = sql.byUser(Authenticator);
      const bound = keys(statement.bind, { userId });
      if (!bound) return [];
      await ready();
      const found = await rows(Authenticator, statement, bound, "read");
      return found.map((row) => fromRow<AdapterAuthenticator>(Authenticator, row, dialect));
    },
    async updateAuthenticatorCounter(credentialID, counter) {
      const updated = await updateRow<AdapterAuthenticator>(Authenticator, { credentialID, counter }, ROW_KEYS.Authenticator);
      if (!updated) throw new UnknownRecordError(`updateAuthenticatorCounter: there is no authenticator with credentialID ${describeValue(credentialID, "credentialID")}`);
      return updated;
    },
  };
}
