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

/** MySQL and MariaDB: one family for authdb's SQL, whichever Sequelize dialect an app's instance names. */
export function isMysqlFamily(dialect: Dialect): boolean {
  return dialect === "mysql" || dialect === "mariadb";
}
