import { QueryTypes, type Sequelize } from "sequelize";
import { dialectOf } from "../database";

/** Which statements can return the rows they wrote; where one cannot, the adapter reads the row separately. */
export interface Capabilities {
  insertReturning: boolean;
  updateReturning: boolean;
  deleteReturning: boolean;
}

const ALL: Capabilities = { insertReturning: true, updateReturning: true, deleteReturning: true };
const NONE: Capabilities = { insertReturning: false, updateReturning: false, deleteReturning: false };

/** `3.35.0` ≥ `3.35` → true. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const have = version.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const want = minimum.split(".").map(Number);
  for (let i = 0; i < want.length; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i];
  }
  return true;
}

/**
 * RETURNING support: PostgreSQL always; SQLite from 3.35; MariaDB from 10.5 on INSERT and DELETE only;
 * MySQL never. A `mysql:` URL may point at a MariaDB server, so the server's version string decides.
 */
export function detectCapabilities(sequelize: Sequelize): Promise<Capabilities> {
  let detected = cache.get(sequelize);
  if (!detected) {
    detected = probe(sequelize);
    detected.catch(() => cache.delete(sequelize));
    cache.set(sequelize, detected);
  }
  return detected;
}

/** One probe per Sequelize instance (the server does not change under it). */
const cache = new WeakMap<Sequelize, Promise<Capabilities>>();

async function probe(sequelize: Sequelize): Promise<Capabilities> {
  const dialect = dialectOf(sequelize);
  if (dialect === "postgres") return ALL;
  const sql = dialect === "sqlite" ? "SELECT sqlite_version() AS version" : "SELECT VERSION() AS version";
  const [row] = await sequelize.query<{ version: string }>(sql, { type: QueryTypes.SELECT, raw: true });
  const version = String(row?.version ?? "");
  if (dialect === "sqlite") return versionAtLeast(version, "3.35") ? ALL : NONE;
  if (/mariadb/i.test(version) && versionAtLeast(version, "10.5")) {
    return { insertReturning: true, updateReturning: false, deleteReturning: true };
  }
  return NONE;
}

/**
 * For tests only (not exported from the package): makes the adapter on `sequelize` use the paths of a
 * server without RETURNING (MySQL 8, MariaDB before 10.5), so those paths run against the real MariaDB.
 */
export function overrideCapabilities(sequelize: Sequelize, capabilities: Capabilities): void {
  cache.set(sequelize, Promise.resolve(capabilities));
}

export const NO_RETURNING: Capabilities = NONE;
