import type { QueryInterface } from "sequelize";
import type * as SequelizeModule from "sequelize";

/**
 * What a migration file exports, as `authdb migrate` and `sequelize-cli db:migrate` call it. Generated files
 * name it in their doc comment (`@type {import('authdb').Migration}`), so an editor checks and completes
 * them from a package the app already has.
 */
export interface Migration {
  /** The second argument is Sequelize itself: `Sequelize.STRING`, `Sequelize.literal(…)`. */
  up(queryInterface: QueryInterface, Sequelize: typeof SequelizeModule): Promise<unknown>;
  /** Without it, `authdb down` refuses to revert the migration. */
  down?(queryInterface: QueryInterface, Sequelize: typeof SequelizeModule): Promise<unknown>;
  /** false: authdb runs it outside a transaction (CREATE INDEX CONCURRENTLY cannot run inside one). */
  transaction?: boolean;
}
