import type { Dialect } from "../../database";
import { isMysqlFamily } from "../../database/dialect";
import { LockLostError } from "../../errors";

/**
 * LockLostError's own hint names PostgreSQL's causes (a transaction-mode pooler, idle_session_timeout).
 * On MySQL/MariaDB the lock lives on the connection that runs the migrations, so what ends it is what ends
 * a connection there: an admin's KILL, wait_timeout, or a proxy that closes or multiplexes server connections.
 */
const MYSQL_HINT =
  "Run `authdb status` to see what is applied. A migration interrupted midway keeps the statements listed above as taken effect: undo them or make it skip them, then run the command again. " +
  "The lock lives on the run's own connection: connect directly or through a proxy that keeps one server connection per client " +
  "(not ProxySQL multiplexing or a Vitess pooled connection), and keep wait_timeout above the longest pause in a migration.";

/** A LockLostError whose hint fits the dialect that lost it. */
export function lockLostError(dialect: Dialect, reason: string): LockLostError {
  const error = new LockLostError(reason);
  return isMysqlFamily(dialect) ? Object.assign(error, { hint: MYSQL_HINT }) : error;
}
