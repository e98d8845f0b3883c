import type { Transaction } from "sequelize";
import type { Row } from "../rowMapping";

/** One prebuilt statement as the query path needs it: the SQL with `$1…$n`, and a stable name for preparing it. */
export interface PreparedSql {
  sql: string;
  /** Unique per SQL text; PostgreSQL prepares the statement once per connection under this name. */
  name: string;
}

/**
 * Where a statement may run. `read`: a SELECT, which Sequelize sends to a read replica when `replication`
 * is configured; `write`: anything that changes a row (even with RETURNING), always the primary.
 */
export type Intent = "read" | "write";

/** Runs the adapter's statements; one implementation on the driver, one through `sequelize.query`. */
export interface QueryPath {
  /** The rows a SELECT or a write with RETURNING produced. */
  rows(statement: PreparedSql, bound: unknown[], intent: Intent, transaction?: Transaction): Promise<Row[]>;
  /** The number of rows a write without RETURNING changed. */
  count(statement: PreparedSql, bound: unknown[], transaction?: Transaction): Promise<number>;
}
