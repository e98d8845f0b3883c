import { QueryTypes, type Sequelize } from "sequelize";

/**
 * A migration transaction on SQLite, done the way SQLite's own docs prescribe for schema changes
 * (https://www.sqlite.org/lang_altertable.html#otheralter): foreign keys off before BEGIN, a
 * `foreign_key_check` before COMMIT, foreign keys back on after.
 *
 * Why: Sequelize's removeColumn / changeColumn on SQLite rebuild the table with DROP TABLE, and with
 * foreign keys on that DROP cascades: removing a column from `users` would delete every account and
 * session. The pragma cannot change inside a transaction, so this runs on Sequelize's shared SQLite
 * connection (the one every query without a transaction uses) with a raw BEGIN, instead of a Sequelize
 * transaction, which would open a connection of its own with foreign keys already on.
 */
export async function runInSqliteTransaction<T>(sequelize: Sequelize, fn: () => Promise<T>): Promise<T> {
  const [{ foreign_keys: previous }] = await sequelize.query<{ foreign_keys: number }>("PRAGMA foreign_keys", { type: QueryTypes.SELECT });
  await sequelize.query("PRAGMA foreign_keys = OFF");
  try {
    await sequelize.query("BEGIN IMMEDIATE TRANSACTION");
    try {
      const result = await fn();
      await assertForeignKeysHold(sequelize);
      await sequelize.query("COMMIT");
      return result;
    } catch (error) {
      await sequelize.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  } finally {
    await sequelize.query(`PRAGMA foreign_keys = ${Number(previous) ? "ON" : "OFF"}`);
  }
}

async function assertForeignKeysHold(sequelize: Sequelize): Promise<void> {
  const violations = await sequelize.query<{ table: string; rowid: number; parent: string }>("PRAGMA foreign_key_check", { type: QueryTypes.SELECT });
  if (!violations.length) return;
  const shown = violations.slice(0, 5).map((v) => `${v.table} row ${v.rowid} → ${v.parent}`);
  const more = violations.length > shown.length ? ` and ${violations.length - shown.length} more` : "";
  throw new Error(`the migration leaves ${violations.length} row(s) whose foreign key points at no row: ${shown.join(", ")}${more}`);
}
