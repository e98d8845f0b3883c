import { AsyncLocalStorage } from "node:async_hooks";
import type { Sequelize } from "sequelize";
import { dialectOf } from "../database";
import { runInSqliteTransaction } from "./sqliteTransaction";

/**
 * Sequelize 6 puts a query in a transaction only when it is passed one or when CLS is on. Migration
 * files written the sequelize-cli way pass none, so for the length of a migration we switch CLS on with
 * this AsyncLocalStorage namespace (the get/set/run/bind surface Sequelize calls), then restore whatever
 * the application had. Only code running inside our transaction's async context is affected.
 */
const store = new AsyncLocalStorage<Map<string, unknown>>();

const namespace = {
  get: (key: string) => store.getStore()?.get(key),
  set: (key: string, value: unknown) => store.getStore()?.set(key, value),
  run(fn: (context: Map<string, unknown>) => unknown) {
    const context = new Map<string, unknown>();
    store.run(context, () => fn(context));
    return context;
  },
  bind: <F>(fn: F) => fn,
};

type ClsHolder = { _cls?: unknown };

const activeScopes = new Map<ClsHolder, { previous: unknown; depth: number }>();

/** The classes Sequelize reads `_cls` from: the base class (queries) and the instance's constructor (transactions). */
function clsHolders(sequelize: Sequelize): ClsHolder[] {
  const base = (sequelize as unknown as { Sequelize: ClsHolder }).Sequelize;
  const own = sequelize.constructor as unknown as ClsHolder;
  return base === own ? [base] : [base, own];
}

function enableCls(sequelize: Sequelize): () => void {
  const holders = clsHolders(sequelize);
  for (const holder of holders) {
    const scope = activeScopes.get(holder);
    if (scope) scope.depth++;
    else {
      activeScopes.set(holder, { previous: holder._cls, depth: 1 });
      holder._cls = namespace;
    }
  }
  return () => {
    for (const holder of holders) {
      const scope = activeScopes.get(holder)!;
      if (--scope.depth === 0) {
        holder._cls = scope.previous;
        activeScopes.delete(holder);
      }
    }
  };
}

/**
 * Runs `fn` in one transaction that every query inside it joins, passed a transaction or not.
 * SQLite gets its own procedure (foreign keys off around the transaction): see sqliteTransaction.ts.
 */
export async function runInTransaction<T>(sequelize: Sequelize, fn: () => Promise<T>): Promise<T> {
  if (dialectOf(sequelize) === "sqlite") return runInSqliteTransaction(sequelize, fn);
  const restore = enableCls(sequelize);
  try {
    return await sequelize.transaction(() => fn());
  } finally {
    restore();
  }
}
