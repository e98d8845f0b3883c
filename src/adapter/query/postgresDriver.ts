import type { Row } from "../rowMapping";
import type { Driver, DriverConnection } from "./driverQueryPath";
import { jsonForLog } from "./queryLog";
import type { PreparedSql } from "./types";

interface PgResult {
  rows: Row[];
  rowCount: number | null;
}

interface PgClient {
  query(config: { text: string; values: unknown[]; name?: string }): Promise<PgResult>;
  query(text: string): Promise<PgResult>;
  connection?: { parsedStatements?: Record<string, string> };
  _invalid?: boolean;
}

/**
 * PostgreSQL via the pg Client Sequelize opened, so its type parsers, time zone and statement_timeout
 * apply. With `prepared`, each statement is a named prepared statement: parsed and planned once per
 * connection rather than on every call. Poolers that multiplex server connections per transaction
 * (PgBouncer before 1.21, or with max_prepared_statements = 0) need `prepared: false`.
 */
export function postgresDriver({ prepared }: { prepared: boolean }): Driver {
  const execute = (client: PgClient, statement: PreparedSql, bound: unknown[]) =>
    prepared ? runPrepared(client, statement, bound) : client.query({ text: statement.sql, values: bound });
  return {
    rows: async (connection, statement, bound) => (await execute(connection as PgClient, statement, bound)).rows,
    count: async (connection, statement, bound) => (await execute(connection as PgClient, statement, bound)).rowCount ?? 0,
    logParameters: (bound) => bound.map(jsonForLog).join(", "),
    breaksConnection(error: unknown, connection: DriverConnection) {
      if (isConnectionLost(error)) (connection as PgClient)._invalid = true;
    },
  };
}

/**
 * Two ways a prepared statement goes stale under a running app, each recovered once on that connection:
 * - a migration changed the type of a selected column (`varchar(40)` → `varchar(80)`): the server
 *   refuses the old plan ("cached plan must not change result type"); the statement is deallocated;
 * - the app ran `DEALLOCATE ALL` or `DISCARD ALL` on a pooled connection: the server forgot the statement
 *   while pg still thinks it is parsed ("prepared statement … does not exist").
 * Either way pg's record of it is dropped and the statement is prepared again.
 */
async function runPrepared(client: PgClient, statement: PreparedSql, bound: unknown[]): Promise<PgResult> {
  const query = { name: statement.name, text: statement.sql, values: bound };
  try {
    return await client.query(query);
  } catch (error) {
    const stale = staleness(error, statement.name);
    if (!stale) throw error;
    if (stale === "plan") await client.query(`DEALLOCATE "${statement.name}"`);
    delete client.connection?.parsedStatements?.[statement.name];
    return client.query(query);
  }
}

/**
 * Errors after which the connection is gone: the ones Sequelize's own pg Query checks, plus the server's
 * "terminating connection" (57P01–57P03) and pg's "Connection terminated", which can arrive before the
 * socket's close event has told the pool.
 */
function isConnectionLost(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  const text = String(message);
  return (
    code === "ECONNRESET" ||
    code === "57P01" ||
    code === "57P02" ||
    code === "57P03" ||
    text === "Query read timeout" ||
    /SSL SYSCALL error: EOF detected|Connection terminated/i.test(text)
  );
}

function staleness(error: unknown, name: string): "plan" | "forgotten" | null {
  const { code, message, routine } = (error ?? {}) as { code?: string; message?: string; routine?: string };
  // The routine names the check whatever language the server's messages are in.
  if (code === "0A000" && (routine === "RevalidateCachedQuery" || /cached plan must not change result type/.test(String(message)))) return "plan";
  if (code === "26000" && String(message).includes(name)) return "forgotten";
  return null;
}
