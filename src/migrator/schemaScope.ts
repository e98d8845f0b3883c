import type { Sequelize } from "sequelize";
import { quoteIdentifier } from "../database";
import { configuredSchema } from "../database/catalog";

/**
 * A migration file is shared by every database, so it never names a schema: `createTable("users")`.
 * With a configured `schema`, the runner makes those unqualified names land there by putting each
 * connection the run uses in the schema (SET search_path) and taking it out again (RESET, back to the
 * session's own default) when the connection goes back to the pool. This covers the per-migration
 * transactions and `transaction = false` migrations alike, on the app's own instance too: the app's
 * queries that share the pool during a run may see the schema first, so migrate before serving.
 */
interface PgConnection {
  query(sql: string): Promise<unknown>;
  _invalid?: boolean;
}

interface ConnectionManager {
  getConnection(options?: unknown): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

const scoped = new Map<Sequelize, { depth: number; restore: () => void }>();

function enter(sequelize: Sequelize, schema: string): () => void {
  const entry = scoped.get(sequelize);
  if (entry) {
    entry.depth++;
  } else {
    const manager = sequelize.connectionManager as unknown as ConnectionManager;
    const hadOwn = ["getConnection", "releaseConnection"].map((key) => Object.prototype.hasOwnProperty.call(manager, key));
    const getConnection = manager.getConnection;
    const releaseConnection = manager.releaseConnection;
    const inSchema = new WeakSet<PgConnection>();
    const setPath = `SET search_path TO ${quoteIdentifier(sequelize, schema)}`;
    manager.getConnection = async function (this: ConnectionManager, options?: unknown) {
      const connection = await getConnection.call(this, options);
      if (!inSchema.has(connection)) {
        try {
          await connection.query(setPath);
        } catch (error) {
          await releaseConnection.call(this, connection);
          throw error;
        }
        inSchema.add(connection);
      }
      return connection;
    };
    manager.releaseConnection = async function (this: ConnectionManager, connection: PgConnection) {
      if (inSchema.has(connection)) {
        inSchema.delete(connection);
        // A connection that cannot be reset must not go back to the app's pool in our schema.
        await connection.query("RESET search_path").catch(() => (connection._invalid = true));
      }
      return releaseConnection.call(this, connection);
    };
    scoped.set(sequelize, {
      depth: 1,
      restore: () => {
        if (hadOwn[0]) manager.getConnection = getConnection;
        else delete (manager as Partial<ConnectionManager>).getConnection;
        if (hadOwn[1]) manager.releaseConnection = releaseConnection;
        else delete (manager as Partial<ConnectionManager>).releaseConnection;
      },
    });
  }
  return () => {
    const current = scoped.get(sequelize)!;
    if (--current.depth > 0) return;
    current.restore();
    scoped.delete(sequelize);
  };
}

/** Runs `body` (a locked run) with every connection of `sequelize` in the configured schema, if there is one. */
export async function withConfiguredSchema<T>(sequelize: Sequelize, body: () => Promise<T>): Promise<T> {
  const schema = configuredSchema(sequelize);
  if (!schema) return body();
  const leave = enter(sequelize, schema);
  try {
    return await body();
  } finally {
    leave();
  }
}
