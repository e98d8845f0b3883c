import type { Sequelize } from "sequelize";
import { dialectOf } from "../database";
import { lockLostError, type HeldLock } from "./lock";

/**
 * Once the migration lock is lost, another run may be applying the same migrations: from then on no
 * statement of this run may reach the database (a `transaction = false` migration would otherwise finish
 * twice). A ROLLBACK still goes through, so an open transaction ends cleanly.
 */
export function guardStatements(sequelize: Sequelize, lock: HeldLock): () => void {
  const name = `authdb-lock-guard-${Math.random().toString(36).slice(2)}`;
  const dialect = dialectOf(sequelize);
  sequelize.addHook("beforeQuery", name, (options) => {
    const reason = lock.lostReason();
    if (reason && !(options as { completesTransaction?: boolean }).completesTransaction) throw lockLostError(dialect, reason);
  });
  return () => {
    sequelize.removeHook("beforeQuery", name);
  };
}
