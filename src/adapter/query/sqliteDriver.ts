import type { Row } from "../rowMapping";
import type { Driver } from "./driverQueryPath";

interface SqliteDatabase {
  all(sql: string, params: Record<string, unknown>, callback: (error: Error | null, rows: Row[]) => void): void;
  run(sql: string, params: Record<string, unknown>, callback: (this: { changes: number }, error: Error | null) => void): void;
}

/** `[a, b]` → `{ $1: a, $2: b }`: the statements name their parameters `$1…$n`, as Sequelize binds them. */
function named(bound: unknown[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (let i = 0; i < bound.length; i++) params[`$${i + 1}`] = bound[i];
  return params;
}

/** SQLite via the sqlite3 Database Sequelize opened (PRAGMA foreign_keys is on there). */
export const sqliteDriver: Driver = {
  rows: (connection, statement, bound) =>
    new Promise((resolve, reject) =>
      (connection as SqliteDatabase).all(statement.sql, named(bound), (error, rows) => (error ? reject(error) : resolve(rows))),
    ),
  count: (connection, statement, bound) =>
    new Promise((resolve, reject) =>
      (connection as SqliteDatabase).run(statement.sql, named(bound), function (error) {
        if (error) reject(error);
        else resolve(this.changes);
      }),
    ),
};
