import { QueryTypes, Transaction, type Sequelize } from "sequelize";

/** What Sequelize's Transaction has beyond its public typings. */
type StartableTransaction = Transaction & { id: string; finished?: string; begin(): Promise<void> };

interface SqliteConnection {
  uuid?: string;
  filename?: string;
}

/**
 * A migration transaction on SQLite, done the way SQLite's own docs prescribe for schema changes
 * (https://www.sqlite.org/lang_altertable.html#otheralter): foreign keys off before BEGIN, a
 * `foreign_key_check` before COMMIT, foreign keys back on after.
 *
 * Why: Sequelize's removeColumn / changeColumn on SQLite rebuild the table with DROP TABLE, and with
 * foreign keys on that DROP cascades: removing a column from `users` would delete every account and
 * session. The pragma is ignored inside a transaction, so this takes the transaction's connection
 * itself, turns the pragma off, and only then begins (what Transaction#prepareEnvironment does, with
 * one statement in between).
 */
export async function runInSqliteTransaction<T>(sequelize: Sequelize, fn: (transaction: Transaction) => Promise<T>): Promise<T> {
  const transaction = new Transaction(sequelize, { type: Transaction.TYPES.IMMEDIATE }) as StartableTransaction;
  const manager = sequelize.connectionManager as unknown as { getConnection(options: object): Promise<SqliteConnection> };
  const connection = await manager.getConnection({ uuid: transaction.id });
  connection.uuid = transaction.id;
  Object.assign(transaction, { connection });
  const query = <R extends object>(sql: string) => sequelize.query<R>(sql, { transaction, type: QueryTypes.SELECT });
  const [{ foreign_keys: previous }] = await query<{ foreign_keys: number }>("PRAGMA foreign_keys");
  await sequelize.query("PRAGMA foreign_keys = OFF", { transaction });
  try {
    await transaction.begin();
  } catch (error) {
    await transaction.rollback().catch(() => undefined);
    throw error;
  }
  try {
    const result = await fn(transaction);
    await assertForeignKeysHold(await query<ForeignKeyViolation>("PRAGMA foreign_key_check"));
    await transaction.commit();
    return result;
  } catch (error) {
    if (!transaction.finished) await transaction.rollback().catch(() => undefined);
    throw error;
  } finally {
    // A file database's transaction connection is closed by commit/rollback; the one connection of an
    // in-memory database lives on and gets its setting back.
    if (connection.filename === ":memory:" && Number(previous)) await sequelize.query("PRAGMA foreign_keys = ON");
  }
}

interface ForeignKeyViolation {
  table: string;
  rowid: number;
  parent: string;
}

function assertForeignKeysHold(violations: ForeignKeyViolation[]): void {
  if (!violations.length) return;
  const shown = violations.slice(0, 5).map((v) => `${v.table} row ${v.rowid} → ${v.parent}`);
  const more = violations.length > shown.length ? ` and ${violations.length - shown.length} more` : "";
  throw new Error(`the migration leaves ${violations.length} row(s) whose foreign key points at no row: ${shown.join(", ")}${more}`);
}
