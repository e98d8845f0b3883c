import { QueryTypes, type Sequelize } from "sequelize";
import type { Row } from "../rowMapping";
import type { Intent, QueryPath } from "./types";

/**
 * Every statement through `sequelize.query`: Sequelize's hooks, CLS transactions, retries and logging
 * all apply. The driver path hands over to this one whenever one of those is in play (see driverQueryPath).
 */
export function sequelizeQueryPath(sequelize: Sequelize): QueryPath {
  // Sequelize's SQLite driver reads PRAGMA table_info before every SELECT that names a table; raw rows need none.
  const driverOptions = sequelize.getDialect() === "sqlite" ? { tableNames: [] as string[] } : {};
  return {
    rows: (statement, bound, intent: Intent, transaction) =>
      sequelize.query<Row>(statement.sql, {
        bind: bound,
        // SELECT is what Sequelize returns rows for; useMaster keeps a write with RETURNING on the primary.
        type: QueryTypes.SELECT,
        useMaster: intent === "write",
        raw: true,
        transaction,
        ...driverOptions,
      }),
    count: async (statement, bound, transaction) =>
      Number(await sequelize.query(statement.sql, { bind: bound, type: QueryTypes.BULKDELETE, transaction })),
  };
}
