import { AsyncLocalStorage } from "node:async_hooks";
import type { Sequelize } from "sequelize";

/**
 * Which statements of a migration that runs without a transaction took effect, so a failure can say
 * exactly what it left behind (every MySQL/MariaDB migration, `transaction = false` ones elsewhere).
 *
 * Sequelize's afterQuery hook runs in a `finally` and cannot tell success from failure, so the log wraps
 * each statement's `run` instead (from a beforeQuery hook, which sees the query object before it runs).
 * Reads (SELECT, SHOW, DESCRIBE, …) change nothing and are not listed unless they are what failed.
 * Statements inside a transaction the migration opened count once it commits, and not if it rolls back;
 * on MySQL/MariaDB a DDL statement commits the open transaction implicitly (before it runs), so there
 * what came before it counts as soon as the DDL is sent.
 */

interface TransactionLike {
  id: string;
  name?: string;
  parent?: TransactionLike | null;
}

interface RunnableQuery {
  run(sql: string, parameters?: unknown): Promise<unknown>;
}

const TRANSACTION_CONTROL = /^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET (SESSION )?TRANSACTION|SET autocommit)\b/i;
const READ = /^(SELECT|SHOW|DESCRIBE|DESC|EXPLAIN)\b|^PRAGMA\s+[\w.]+\s*(\([^)]*\))?\s*;?\s*$/i;
const IMPLICIT_COMMIT = /^(CREATE|ALTER|DROP|RENAME|TRUNCATE|LOCK TABLES|UNLOCK TABLES|GRANT|REVOKE|ANALYZE|OPTIMIZE|REPAIR)\b/i;

/** The savepoint names a statement sits in, innermost first (empty outside savepoints). */
function savepointsOf(transaction: TransactionLike): string[] {
  const names: string[] = [];
  for (let current: TransactionLike | null | undefined = transaction; current?.parent; current = current.parent) {
    if (current.name) names.push(current.name);
  }
  return names;
}

export class StatementLog {
  /** The statements that took effect, in order. */
  readonly tookEffect: string[] = [];
  /** Statements sent inside a transaction that has not ended yet. */
  private pending: Array<{ sql: string; transactionId: string; savepoints: string[] }> = [];
  /** Every failed statement, by the error it threw (a migration may catch one and go on). */
  private readonly failures = new Map<unknown, string>();
  private lastFailure: string | null = null;
  /** Set once the migration's own code is done: the runner's bookkeeping is not part of it. */
  closed = false;
  /** Its up()/down() returned: whatever failed after that was the runner recording it. */
  ranToEnd = false;

  /** `ddlCommits`: MySQL/MariaDB, where DDL ends an open transaction with an implicit COMMIT. */
  constructor(private readonly ddlCommits: boolean) {}

  private commit(transactionId: string): void {
    this.tookEffect.push(...this.pending.filter((p) => p.transactionId === transactionId).map((p) => p.sql));
    this.pending = this.pending.filter((p) => p.transactionId !== transactionId);
  }

  succeeded(sql: string, transaction: TransactionLike | undefined): void {
    const text = sql.trim();
    if (transaction) {
      const rollbackTo = /^ROLLBACK TO SAVEPOINT\s+[`"']?([^`"'\s;]+)/i.exec(text);
      if (rollbackTo) {
        this.pending = this.pending.filter((p) => !(p.transactionId === transaction.id && p.savepoints.includes(rollbackTo[1])));
        return;
      }
      if (/^COMMIT\b/i.test(text)) return this.commit(transaction.id);
      if (/^ROLLBACK\b/i.test(text)) {
        this.pending = this.pending.filter((p) => p.transactionId !== transaction.id);
        return;
      }
    }
    if (TRANSACTION_CONTROL.test(text) || READ.test(text)) return;
    if (!transaction) {
      this.tookEffect.push(text);
      return;
    }
    if (this.ddlCommits && IMPLICIT_COMMIT.test(text)) {
      this.commit(transaction.id);
      this.tookEffect.push(text);
      return;
    }
    this.pending.push({ sql: text, transactionId: transaction.id, savepoints: savepointsOf(transaction) });
  }

  failed(sql: string, transaction: TransactionLike | undefined, error: unknown): void {
    const text = sql.trim();
    // MySQL commits the open transaction before it even tries the DDL statement.
    if (transaction && this.ddlCommits && IMPLICIT_COMMIT.test(text)) this.commit(transaction.id);
    this.failures.set(error, text);
    this.lastFailure = text;
  }

  /** The statement whose failure is `error` (the error that ended the migration); null for a failure in its own code. */
  failedStatement(error: unknown): string | null {
    if (this.failures.has(error)) return this.failures.get(error)!;
    const sql = (error as { sql?: unknown })?.sql;
    return typeof sql === "string" && sql.trim() === this.lastFailure ? this.lastFailure : null;
  }
}

const current = new AsyncLocalStorage<StatementLog>();

/** Runs `body` (one migration's up or down) with its statements logged in `log`. */
export function withStatementLog<T>(log: StatementLog, body: () => Promise<T>): Promise<T> {
  return current.run(log, body);
}

/** Installs the hook that feeds the log of whichever migration a statement comes from; returns its removal. */
export function logStatements(sequelize: Sequelize): () => void {
  const name = `authdb-statement-log-${Math.random().toString(36).slice(2)}`;
  sequelize.addHook("beforeQuery", name, (options, query) => {
    const log = current.getStore();
    if (!log || log.closed) return;
    const runnable = query as unknown as RunnableQuery;
    const run = runnable.run;
    // Sequelize's typings leave out a transaction's id, name and parent.
    const transaction = (options.transaction ?? undefined) as unknown as TransactionLike | undefined;
    runnable.run = async function (this: RunnableQuery, sql: string, parameters?: unknown) {
      try {
        const result = await run.call(this, sql, parameters);
        log.succeeded(sql, transaction);
        return result;
      } catch (error) {
        log.failed(sql, transaction, error);
        throw error;
      }
    };
  });
  return () => {
    sequelize.removeHook("beforeQuery", name);
  };
}
