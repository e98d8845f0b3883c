import { AsyncLocalStorage } from "node:async_hooks";
import type { Sequelize, Transaction, TransactionOptions } from "sequelize";
import { dialectOf } from "../database";
import { overrideProperty, SharedPatch } from "./sharedPatch";
import { runInSqliteTransaction } from "./sqliteTransaction";

/**
 * Every statement of a migration must land in the migration's transaction, but Sequelize 6 puts a
 * query in a transaction only when it is passed one or when CLS is on, and files written the
 * sequelize-cli way pass none. So while a migration runs:
 *
 * - CLS is on, with this AsyncLocalStorage namespace (the get/set/run/bind surface Sequelize calls).
 *   Outside a migration's async context it answers from the namespace the application had, so an app
 *   that uses CLS itself keeps its transactions.
 * - `sequelize.transaction()` called from inside the migration without a `transaction` option becomes a
 *   savepoint of the migration's transaction (Sequelize would otherwise open a second connection that
 *   commits on its own, or on SQLite waits for the migration's write lock).
 */
const store = new AsyncLocalStorage<Map<string, unknown>>();

interface ClsNamespace {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  run(fn: (context: Map<string, unknown>) => unknown): unknown;
  bind<F>(fn: F): F;
}

let appNamespace: ClsNamespace | undefined;

const namespace: ClsNamespace = {
  get: (key) => {
    const context = store.getStore();
    return context ? context.get(key) : appNamespace?.get(key);
  },
  set: (key, value) => {
    const context = store.getStore();
    if (context) context.set(key, value);
    else appNamespace?.set(key, value);
  },
  run(fn) {
    // A new context inherits the enclosing one, as cls-hooked's does.
    const context = new Map(store.getStore());
    store.run(context, () => fn(context));
    return context;
  },
  bind: (fn) => fn,
};

type ClsHolder = { _cls?: ClsNamespace };
type TransactionMethod = Sequelize["transaction"];

/** The classes Sequelize reads `_cls` from: the base class (queries) and the instance's constructor (transactions). */
function clsHolders(sequelize: Sequelize): ClsHolder[] {
  const base = (sequelize as unknown as { Sequelize: ClsHolder }).Sequelize;
  const own = sequelize.constructor as unknown as ClsHolder;
  return base === own ? [base] : [base, own];
}

/** The migration's transaction, when the caller runs inside one. */
function currentMigrationTransaction(): Transaction | undefined {
  return (store.getStore()?.get("transaction") as Transaction | null | undefined) ?? undefined;
}

function nestInMigrationTransaction(original: TransactionMethod): TransactionMethod {
  return function (this: Sequelize, options?: unknown, autoCallback?: unknown) {
    if (typeof options === "function") [options, autoCallback] = [{}, options];
    const parent = currentMigrationTransaction();
    const given = (options ?? {}) as TransactionOptions;
    const nested = parent && !given.transaction ? { ...given, transaction: parent } : given;
    return (original as (...args: unknown[]) => unknown).call(this, nested, autoCallback);
  } as TransactionMethod;
}

const migrationMode = new SharedPatch<Sequelize>();

/** Switches the two mechanisms on for `sequelize` (nested runs share them); returns the way back. */
function enterMigrationMode(sequelize: Sequelize): () => void {
  return migrationMode.enter(sequelize, () => {
    const holders = clsHolders(sequelize);
    appNamespace = holders[0]._cls;
    const restoreCls = holders.map((holder) => overrideProperty(holder, "_cls", namespace));
    const restoreTransaction = overrideProperty(sequelize, "transaction", nestInMigrationTransaction(sequelize.transaction));
    return () => {
      restoreCls.forEach((restore) => restore());
      restoreTransaction();
    };
  });
}

/**
 * Runs `fn` in one transaction that every query inside it joins, passed a transaction or not.
 * SQLite gets its own procedure (foreign keys off around the transaction): see sqliteTransaction.ts.
 */
export async function runInTransaction<T>(sequelize: Sequelize, fn: () => Promise<T>): Promise<T> {
  const leave = enterMigrationMode(sequelize);
  try {
    if (dialectOf(sequelize) === "sqlite") {
      return await runInSqliteTransaction(sequelize, (transaction) => {
        const context = new Map<string, unknown>([["transaction", transaction]]);
        return store.run(context, fn);
      });
    }
    return await sequelize.transaction(() => fn());
  } finally {
    leave();
  }
}
