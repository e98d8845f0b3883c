// The SQLite contenders: authdb and @auth/sequelize-adapter, each on a file of its own in a temporary
// folder, with the same Sequelize settings (SQLite's defaults: rollback journal, no PRAGMA changes).
// The floor and @auth/pg-adapter are PostgreSQL-only.
import IncumbentAdapter from "@auth/sequelize-adapter";
import path from "node:path";
import { Sequelize } from "sequelize";
import { SequelizeAdapter, migrate } from "../../dist/index.mjs";
import { createFolder, onCleanup } from "./databases.mjs";
import { AUTHDB, INCUMBENT } from "./contenderNames.mjs";
import { settings } from "./settings.mjs";

function sqliteInstance(folder, file) {
  return new Sequelize({ dialect: "sqlite", storage: path.join(folder, file), logging: false, pool: { max: settings.pool } });
}

/** The reference of the SQLite ratios (@auth/sequelize-adapter) first, then authdb. */
export async function setupSqlite() {
  const folder = createFolder();

  const incumbentDb = sqliteInstance(folder, "incumbent.sqlite");
  const closeIncumbent = onCleanup(() => incumbentDb.close());
  const incumbent = IncumbentAdapter(incumbentDb, { synchronize: false });
  for (const model of ["user", "account", "session", "verificationToken"]) await incumbentDb.models[model].sync();

  const authdbDb = sqliteInstance(folder, "authdb.sqlite");
  const closeAuthdb = onCleanup(() => authdbDb.close());
  await migrate(authdbDb);

  return [
    { name: INCUMBENT, adapter: incumbent, close: closeIncumbent },
    { name: AUTHDB, adapter: SequelizeAdapter(authdbDb), close: closeAuthdb },
  ];
}
