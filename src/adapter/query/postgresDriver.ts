import type { Row } from "../rowMapping";
import type { Driver, DriverConnection } from "./driverQueryPath";
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
    breaksConnection(error: unknown, connection: DriverConnection) {
      // The errors after which Sequelize's own pg Query marks a connection unusable.
      const { code, message } = (error ?? {}) as { code?: string; message?: string };
      if (code === "ECONNRESET" || message === "Query read timeout" || /SSL SYSCALL error: EOF detected/i.test(String(message))) {
        (connection as PgClient)._invalid = true;
      }
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

function staleness(error: unknown, name: string): "plan" | "forgotten" | null {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code === "0A000" && /cached plan must not change result type/.test(String(message))) return "plan";
  if (code === "26000" && String(message).includes(name)) return "forgotten";
  return null;
}
