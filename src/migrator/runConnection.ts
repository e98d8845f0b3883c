import { AsyncLocalStorage } from "node:async_hooks";
import type { Sequelize } from "sequelize";
import { overrideProperty, SharedPatch } from "./sharedPatch";

/**
 * On MySQL/MariaDB the migration lock (GET_LOCK) belongs to one connection, and only statements sent on
 * that connection are covered by it: a statement from another pooled connection still runs after the
 * lock's connection was killed. So while a run works, every statement it sends (its bookkeeping, each
 * migration's queryInterface calls, a transaction a migration opens) is given that one connection instead
 * of a pooled one, and the connection is not handed back to the pool until the lock is released.
 *
 * The connection is pinned for the run's async context only: the app's own queries on the same instance,
 * if any run meanwhile, keep using the pool. A side effect worth having: an app instance whose pool holds
 * a single connection no longer waits for a second one while the lock holds the first.
 */
interface ConnectionManager {
  getConnection(options?: unknown): Promise<unknown>;
  releaseConnection(connection: unknown): unknown;
}

const pinned = new AsyncLocalStorage<unknown>();
const pinnedConnections = new WeakSet<object>();
const patch = new SharedPatch<Sequelize>();

const isPinned = (connection: unknown): connection is object => typeof connection === "object" && connection !== null && pinnedConnections.has(connection);

function enter(sequelize: Sequelize): () => void {
  return patch.enter(sequelize, () => {
    const manager = sequelize.connectionManager as unknown as ConnectionManager;
    const getConnection = manager.getConnection;
    const releaseConnection = manager.releaseConnection;
    const restoreGet = overrideProperty(manager, "getConnection", function (this: ConnectionManager, options?: unknown) {
      const connection = pinned.getStore();
      // A context that outlived its run (an abandoned, stalled migration waking up) gets no stale connection.
      return isPinned(connection) ? Promise.resolve(connection) : getConnection.call(this, options);
    });
    const restoreRelease = overrideProperty(manager, "releaseConnection", function (this: ConnectionManager, connection: unknown) {
      // Sequelize releases after each statement; the pinned connection stays with the run (and its lock).
      if (isPinned(connection)) return undefined;
      return releaseConnection.call(this, connection);
    });
    return () => {
      restoreGet();
      restoreRelease();
    };
  });
}

/** Runs `body` with every statement it sends on `sequelize` going through `connection`. */
export async function withRunConnection<T>(sequelize: Sequelize, connection: object, body: () => Promise<T>): Promise<T> {
  const leave = enter(sequelize);
  pinnedConnections.add(connection);
  try {
    return await pinned.run(connection, body);
  } finally {
    pinnedConnections.delete(connection);
    leave();
  }
}
