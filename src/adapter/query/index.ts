import type { Sequelize } from "sequelize";
import { driverQueryPath, type DriverPathOptions } from "./driverQueryPath";
import { sequelizeQueryPath } from "./sequelizeQueryPath";
import type { QueryPath } from "./types";

export type { DriverPathOptions } from "./driverQueryPath";
export type { Intent, PreparedSql, QueryPath } from "./types";

/** The driver path where the dialect has one (PostgreSQL, SQLite), else sequelize.query. */
export function createQueryPath(sequelize: Sequelize, options: DriverPathOptions = {}): QueryPath {
  const viaSequelize = sequelizeQueryPath(sequelize);
  return driverQueryPath(sequelize, viaSequelize, options) ?? viaSequelize;
}
