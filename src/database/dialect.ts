import type { Sequelize } from "sequelize";
import type { Dialect } from "./databaseUrl";

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() as Dialect;
}

/** PostgreSQL and SQLite roll DDL back with the transaction; MySQL and MariaDB commit it implicitly. */
export function hasTransactionalDdl(dialect: Dialect): boolean {
  return dialect === "postgres" || dialect === "sqlite";
}

export function quoteIdentifier(sequelize: Sequelize, name: string): string {
  return sequelize.getQueryInterface().quoteIdentifier(name);
}
