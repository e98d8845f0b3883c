import { QueryTypes, Sequelize } from "sequelize";
import type { Dialect } from "../database";
import { migrationFromSource } from "../migrator/migrationSource";

export interface MigrationSql {
  up: string[];
  down: string[];
}

/**
 * The SQL a rendered migration sends on `dialect`, for review, without a database: its up() and down()
 * run against a Sequelize instance whose query() records each statement instead of sending it.
 */
export async function migrationSql(source: string, dialect: Dialect): Promise<MigrationSql> {
  const sequelize = new Sequelize({ dialect: dialect === "mariadb" ? "mysql" : dialect, logging: false, storage: ":memory:" });
  const captured: string[] = [];
  sequelize.query = (async (sql: string | { query: string }, options?: { type?: string }) => {
    const statement = (typeof sql === "string" ? sql : sql.query).trim();
    // Reads (a SQLite rebuild describes its table first) are not part of what the migration changes.
    if (options?.type === QueryTypes.DESCRIBE) return {};
    if (options?.type === QueryTypes.SHOWINDEXES || options?.type === QueryTypes.SELECT) return [];
    captured.push(statement);
    return [[], 0];
  }) as unknown as Sequelize["query"];
  const queryInterface = sequelize.getQueryInterface();
  // A SQLite rebuild first checks the live table for columns it does not know; a preview has no live table.
  queryInterface.describeTable = (async () => ({})) as typeof queryInterface.describeTable;
  const module = migrationFromSource("preview.js", source).load();
  const run = async (direction: "up" | "down") => {
    captured.length = 0;
    await module[direction]?.(queryInterface, Sequelize);
    return captured.filter(Boolean).map((s) => (s.endsWith(";") ? s : `${s};`));
  };
  const up = await run("up");
  const down = await run("down");
  return { up, down };
}
