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
      if (!isPinned(connection)) return getConnection.call(this, options);
      const open = (connection as { uuid?: unknown }).uuid;
      return open === undefined ? Promise.resolve(connection) : Promise.reject(outsideOpenTransaction(String(open), options));
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

/**
 * Sequelize sends a statement that names no transaction on a connection from getConnection, and a
 * transaction marks the connection it holds with its id (`connection.uuid`, set in prepareEnvironment and
 * cleared when it commits or rolls back). With every statement on one connection, a statement a migration
 * sends without `{ transaction: t }` while its transaction is open would silently become part of it (on
 * PostgreSQL it runs beside it, on a connection of its own), and a second transaction's BEGIN would commit
 * the first. Neither is sent: the migration fails, naming the mistake.
 */
function outsideOpenTransaction(transactionId: string, options: unknown): Error {
  const opening = typeof (options as { uuid?: unknown } | undefined)?.uuid === "string";
  const what = opening
    ? "opened a second transaction while its transaction " + transactionId + " was open; on MySQL and MariaDB every statement of a migration run goes through one connection, where that BEGIN would commit the first transaction"
    : "sent a statement without { transaction: t } while its transaction " + transactionId + " was open; on MySQL and MariaDB every statement of a migration run goes through one connection, so it would have silently become part of that transaction";
  const fix = opening
    ? "Nest it in the open one (sequelize.transaction({ transaction: t }, …), a savepoint) or open it after the first commits"
    : "Pass { transaction: t } to every statement meant to be part of it, send the others after it commits, and commit or roll back every transaction the migration opens before it returns";
  return new Error(`the migration ${what} (refused, not sent). ${fix}.`);
}

/** Runs `body` with every statement it sends on `sequelize` going through `connection`. */
export async function withRunConnection<T>(sequelize: Sequelize, connection: object, body: () => Promise<T>): Promise<T> {
  const leave = enter(sequelize);
  pinnedConnections.add(connection);
  try {
    return await pinned.run(connection, body);
  } finally {
    // While still pinned, so that the rollback's release leaves the connection with the lock.
    await rollBackLeftOpen(sequelize, connection);
    pinnedConnections.delete(connection);
    leave();
  }
}

interface TransactionLike {
  connection: unknown;
  rollback(): Promise<void>;
}

/**
 * A transaction a migration opened and never ended (an unmanaged one it forgot, or abandoned when it
 * failed) would go back to the app's pool with the lock's connection: still open, its rows uncommitted and
 * its mark set, so that the next run on this instance would be refused every statement. It is rolled
 * back here, through Sequelize's own rollback on a stand-in, which also clears the mark.
 */
async function rollBackLeftOpen(sequelize: Sequelize, connection: object): Promise<void> {
  if ((connection as { uuid?: unknown }).uuid === undefined) return;
  // The instance's own Transaction class: Sequelize checks `instanceof` against the copy it was loaded from.
  const Transaction = (sequelize as unknown as { Sequelize: { Transaction: new (sequelize: Sequelize, options: object) => TransactionLike } }).Sequelize.Transaction;
  const standIn = new Transaction(sequelize, {});
  standIn.connection = connection;
  // A failed ROLLBACK makes Sequelize destroy the connection, which ends the transaction too.
  await standIn.rollback().catch(() => undefined);
}
