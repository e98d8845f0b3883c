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
 * A migration that changes a selected column's type (say `varchar(40)` → `varchar(80)`) makes a statement
 * prepared before it fail with "cached plan must not change result type". The connection forgets the old
 * statement and prepares it again, once, so a deploy's migration does not break running app processes.
 */
async function runPrepared(client: PgClient, statement: PreparedSql, bound: unknown[]): Promise<PgResult> {
  const query = { name: statement.name, text: statement.sql, values: bound };
  try {
    return await client.query(query);
  } catch (error) {
    if (!isStalePlan(error)) throw error;
    await client.query(`DEALLOCATE "${statement.name}"`);
    delete client.connection?.parsedStatements?.[statement.name];
    return client.query(query);
  }
}

function isStalePlan(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === "0A000" && /cached plan must not change result type/.test(String(message));
}
