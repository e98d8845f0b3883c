import type { Row } from "../rowMapping";
import type { Driver } from "./driverQueryPath";
import { jsonForLog } from "./queryLog";

interface SqliteDatabase {
  serialize(callback: () => void): void;
  all(sql: string, params: Record<string, unknown>, callback: (error: Error | null, rows: Row[]) => void): void;
  run(sql: string, params: Record<string, unknown>, callback: (this: { changes: number }, error: Error | null) => void): void;
}

/** `[a, b]` → `{ $1: a, $2: b }`: the statements name their parameters `$1…$n`, as Sequelize binds them. */
function named(bound: unknown[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (let i = 0; i < bound.length; i++) params[`$${i + 1}`] = bound[i];
  return params;
}

/**
 * SQLite via the sqlite3 Database Sequelize opened (PRAGMA foreign_keys is on there). Each statement is
 * queued in serialized mode, as Sequelize queues its own: statements run in the order they were issued,
 * so a read issued after a write (even one not awaited) sees it.
 */
export const sqliteDriver: Driver = {
  rows: (connection, statement, bound) =>
    new Promise((resolve, reject) => {
      const db = connection as SqliteDatabase;
      db.serialize(() => db.all(statement.sql, named(bound), (error, rows) => (error ? reject(error) : resolve(rows))));
    }),
  count: (connection, statement, bound) =>
    new Promise((resolve, reject) => {
      const db = connection as SqliteDatabase;
      db.serialize(() =>
        db.run(statement.sql, named(bound), function (error) {
          if (error) reject(error);
          else resolve(this.changes);
        }),
      );
    }),
  // Sequelize binds SQLite parameters as an object, and logs that object.
  logParameters: (bound) => jsonForLog(named(bound)),
};
