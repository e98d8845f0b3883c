import type { Sequelize } from "sequelize";
import { quoteIdentifier } from "../database";
import { configuredSchema, resolveSchema } from "../database/catalog";
import { overrideProperty, SharedPatch } from "./sharedPatch";

/**
 * A migration file is shared by every database, so it never names a schema: `createTable("users")`.
 * With a configured `schema`, the runner makes those unqualified names land there by putting each
 * connection the run uses in the schema (the schema first on its search_path, the path it had after it, so
 * types in public such as citext still resolve) and giving it back the exact path it had when the
 * connection goes back to the pool. This covers the per-migration
 * transactions and `transaction = false` migrations alike, on the app's own instance too: the app's
 * queries that share the pool during a run may see the schema first, so migrate before serving.
 */
interface PgConnection {
  query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  _invalid?: boolean;
}

interface ConnectionManager {
  getConnection(options?: unknown): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

const schemaPatch = new SharedPatch<Sequelize>();

function enter(sequelize: Sequelize, schema: string): () => void {
  return schemaPatch.enter(sequelize, () => {
    const manager = sequelize.connectionManager as unknown as ConnectionManager;
    const getConnection = manager.getConnection;
    const releaseConnection = manager.releaseConnection;
    /** Each connection in the schema, with the search_path it had before. */
    const previousPath = new WeakMap<PgConnection, string>();
    const restoreGet = overrideProperty(manager, "getConnection", async function (this: ConnectionManager, options?: unknown) {
      const connection = await getConnection.call(this, options);
      if (!previousPath.has(connection)) {
        try {
          const { rows } = await connection.query("SELECT current_setting('search_path') AS path");
          const path = String(rows[0]?.path ?? "");
          await connection.query("SELECT set_config('search_path', $1, false)", [path ? `${quoteIdentifier(sequelize, schema)}, ${path}` : quoteIdentifier(sequelize, schema)]);
          previousPath.set(connection, path);
        } catch (error) {
          await releaseConnection.call(this, connection);
          throw error;
        }
      }
      return connection;
    });
    const restoreRelease = overrideProperty(manager, "releaseConnection", async function (this: ConnectionManager, connection: PgConnection) {
      const path = previousPath.get(connection);
      if (path !== undefined) {
        previousPath.delete(connection);
        // A connection that cannot be reset must not go back to the app's pool in our schema.
        await connection.query("SELECT set_config('search_path', $1, false)", [path]).catch(() => (connection._invalid = true));
      }
      return releaseConnection.call(this, connection);
    });
    return () => {
      restoreGet();
      restoreRelease();
    };
  });
}

/**
 * Sequelize's PostgreSQL addColumn/removeColumn/changeColumn qualify an unqualified table with
 * `options.schema`, else "public", whatever the search_path says: during a run it is the schema the run
 * works in, so those calls land beside the tables createTable made.
 */
async function withQueryGeneratorSchema<T>(sequelize: Sequelize, schema: string, body: () => Promise<T>): Promise<T> {
  const restore = overrideProperty((sequelize as unknown as { options: { schema?: string } }).options, "schema", schema);
  try {
    return await body();
  } finally {
    restore();
  }
}

/**
 * Runs `body` (a locked run) in the schema authdb's tables live in, on PostgreSQL: every connection in the
 * configured schema, if there is one, and Sequelize's own schema default set to it (or to current_schema()).
 */
export async function withConfiguredSchema<T>(sequelize: Sequelize, body: () => Promise<T>): Promise<T> {
  const schema = await resolveSchema(sequelize);
  if (!schema) return body();
  const leave = configuredSchema(sequelize) ? enter(sequelize, schema) : () => undefined;
  try {
    return await withQueryGeneratorSchema(sequelize, schema, body);
  } finally {
    leave();
  }
}
