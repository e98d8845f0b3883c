import { AsyncLocalStorage } from "node:async_hooks";
import type { Sequelize } from "sequelize";
// Sequelize's constants alone: this module is loaded with the migrator, before Sequelize is needed.
import QueryTypes from "sequelize/lib/query-types";

/**
 * Preview mode: how `--dry-run` and `down`'s data-loss check work where DDL cannot be rolled back
 * (MySQL/MariaDB commit it implicitly, so the PostgreSQL way, run everything and roll back, would keep it).
 * A migration's up()/down() runs against the real database on the run's connection, but only reads reach
 * the server: every other statement is handed to a recorder and answered with an empty result, so nothing
 * is written, not even authdb's own bookkeeping. A migration that reads the catalog first still sees
 * today's schema; what an earlier captured step would have created is not there for later steps to read.
 */

/** What a preview cannot show; printed with every MySQL-family dry run. */
export const PREVIEW_NOTE =
  "not executed: MySQL and MariaDB commit DDL, so this is the SQL each migration would send against today's schema; " +
  "the server's own refusals (a duplicate column, a key too long, a foreign-key mismatch) and steps that depend on what an earlier step wrote are not shown";

/** Leading comments and opening parentheses, before the statement's first keyword. */
const PREFIX = /^(\s+|\/\*[\s\S]*?\*\/|--[^\n]*(\n|$)|#[^\n]*(\n|$)|\()*/;
const READ = /^(SELECT|SHOW|DESCRIBE|DESC|EXPLAIN)\b/i;
/**
 * Reads that still change something: EXPLAIN/DESCRIBE ANALYZE executes the statement it explains, SELECT
 * … INTO OUTFILE writes a file, and a few functions take locks or advance sequences. Captured, not sent.
 */
const NOT_ONLY_A_READ = /^(EXPLAIN|DESCRIBE|DESC)\s+ANALYZE\b|\bINTO\s+(OUTFILE|DUMPFILE)\b|\b(NEXTVAL|SETVAL|GET_LOCK|RELEASE_LOCK|RELEASE_ALL_LOCKS)\s*\(|\bNEXT\s+VALUE\s+FOR\b/i;

/** The statement with its leading comments (and parentheses) removed, for classifying it. */
export function statementBody(sql: string): string {
  return sql.replace(PREFIX, "");
}

/** Whether preview mode sends `sql`: a statement that only reads. Anything else is captured (the safe side). */
export function isPreviewRead(sql: string): boolean {
  const body = statementBody(sql);
  return READ.test(body) && !NOT_ONLY_A_READ.test(body);
}

interface RunnableQuery {
  run(sql: string, parameters?: unknown): Promise<unknown>;
  options: { type?: string };
}

/** mysql2's answer to a statement that returns no rows. */
const OK_PACKET = Object.freeze({ fieldCount: 0, affectedRows: 0, insertId: 0, info: "", serverStatus: 2, warningStatus: 0, changedRows: 0 });

/** What Sequelize's MySQL query would have returned for a captured statement that changed nothing. */
function emptyResult(type: string | undefined, sql: string): unknown {
  // A captured SELECT (one that is not only a read: GET_LOCK, NEXT VALUE FOR) answers with no rows, not an OK packet.
  if (/^\s*(\/\*.*?\*\/\s*)*\(?\s*SELECT\b/is.test(sql) && (type === undefined || type === QueryTypes.RAW)) return [[], []];
  switch (type) {
    case QueryTypes.SELECT:
    case QueryTypes.SHOWINDEXES:
    case "SHOWCONSTRAINTS":
    case QueryTypes.FOREIGNKEYS:
    case QueryTypes.SHOWTABLES:
      return [];
    case QueryTypes.DESCRIBE:
      return {};
    case QueryTypes.BULKUPDATE:
    case QueryTypes.BULKDELETE:
      return 0;
    case QueryTypes.INSERT:
    case QueryTypes.UPDATE:
    case QueryTypes.UPSERT:
      return [0, 0];
    default:
      return [{ ...OK_PACKET }, { ...OK_PACKET }];
  }
}

const previewing = new AsyncLocalStorage<{ hook: string; record: (sql: string) => void }>();

/**
 * Runs `body` in preview mode: statements it sends on `sequelize` that only read are executed; every other
 * one goes to `record` (its SQL, as the server would have received it) and is not sent. Statements from
 * outside `body`'s async context (the app's own, on a shared instance) are not affected.
 */
export async function withPreview<T>(sequelize: Sequelize, record: (sql: string) => void, body: () => Promise<T>): Promise<T> {
  const hook = `authdb-preview-${Math.random().toString(36).slice(2)}`;
  sequelize.addHook("beforeQuery", hook, (_options, query) => {
    const preview = previewing.getStore();
    if (preview?.hook !== hook) return;
    const runnable = query as unknown as RunnableQuery;
    const run = runnable.run;
    runnable.run = async function (this: RunnableQuery, sql: string, parameters?: unknown) {
      if (isPreviewRead(sql)) return run.call(this, sql, parameters);
      preview.record(sql.trim());
      return emptyResult(this.options?.type ?? runnable.options?.type, sql);
    };
  });
  // The reads run in a read-only session: a SELECT can still write (a stored function that inserts), and
  // the server then refuses it (ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION) instead of changing the database.
  await sequelize.query("SET SESSION TRANSACTION READ ONLY");
  try {
    return await previewing.run({ hook, record }, body);
  } finally {
    sequelize.removeHook("beforeQuery", hook);
    // The connection goes back to the pool afterwards: it must not stay read-only. A dead one is not reused.
    await sequelize.query("SET SESSION TRANSACTION READ WRITE").catch(() => undefined);
  }
}
