// The PostgreSQL contenders, each in a fresh database of its own, with the same pool size.
import PostgresAdapter from "@auth/pg-adapter";
import IncumbentAdapter from "@auth/sequelize-adapter";
import pg from "pg";
import { Sequelize } from "sequelize";
import { SequelizeAdapter, migrate } from "../../dist/index.mjs";
import { AUTHDB, FLOOR, FLOOR_PLAIN, INCUMBENT, PG_ADAPTER } from "./contenderNames.mjs";
import { createDatabase, onCleanup } from "./databases.mjs";
import { FloorAdapter } from "./floor.mjs";
import { settings } from "./settings.mjs";


const sequelizeOptions = () => ({ logging: false, pool: { max: settings.pool } });

/** A bare pg.Pool. Its 'error' handler keeps a session ended by the cleanup's DROP … WITH (FORCE) from crashing the process. */
function barePool(url) {
  const pool = new pg.Pool({ connectionString: url, max: settings.pool });
  pool.on("error", () => {});
  return pool;
}

/** A fresh database with the tables authdb's migrate() creates (same columns, same indexes), for a floor. */
async function migratedDatabase(label) {
  const url = await createDatabase(label);
  const migrator = new Sequelize(url, { logging: false });
  try {
    await migrate(migrator);
  } finally {
    await migrator.close();
  }
  return url;
}

/** authdb's statements on a bare pg.Pool, against authdb's tables. */
async function setupFloor() {
  const url = await migratedDatabase("floor");
  const pool = barePool(url);
  const floor = { name: FLOOR, url, close: onCleanup(() => pool.end()) };
  /** Named statements or not: decided after the floor check has seen what authdb does (see run.mjs). */
  floor.prepare = (prepared) => (floor.adapter = FloorAdapter(pool, { prepared }));
  floor.prepare(settings.floorPrepared === true);
  return floor;
}

/** The same statements, never named: what `pool.query(text, values)` by hand costs, next to the prepared floor. */
async function setupPlainFloor() {
  const url = await migratedDatabase("floorplain");
  const pool = barePool(url);
  return { name: FLOOR_PLAIN, url, adapter: FloorAdapter(pool, { prepared: false }), close: onCleanup(() => pool.end()) };
}

async function setupAuthdb() {
  const url = await createDatabase("authdb");
  const sequelize = new Sequelize(url, sequelizeOptions());
  const close = onCleanup(() => sequelize.close());
  await migrate(sequelize);
  return { name: AUTHDB, url, adapter: SequelizeAdapter(sequelize), close };
}

async function setupIncumbent() {
  const url = await createDatabase("incumbent");
  const sequelize = new Sequelize(url, sequelizeOptions());
  const close = onCleanup(() => sequelize.close());
  const adapter = IncumbentAdapter(sequelize, { synchronize: false });
  // Its own sync() runs the four CREATEs in parallel, which fails on a fresh PostgreSQL
  // (relation "users" does not exist); creating them in order gives it a fair start.
  for (const model of ["user", "account", "session", "verificationToken"]) await sequelize.models[model].sync();
  return { name: INCUMBENT, url, adapter, close };
}

// The schema from @auth/pg-adapter's README, plus the indexes its queries need (the README has none,
// which would make it look slow for a reason that has nothing to do with its code).
const PG_ADAPTER_SCHEMA = `
CREATE TABLE verification_token (identifier TEXT NOT NULL, expires TIMESTAMPTZ NOT NULL, token TEXT NOT NULL, PRIMARY KEY (identifier, token));
CREATE TABLE accounts (id SERIAL, "userId" INTEGER NOT NULL, type VARCHAR(255) NOT NULL, provider VARCHAR(255) NOT NULL, "providerAccountId" VARCHAR(255) NOT NULL,
  refresh_token TEXT, access_token TEXT, expires_at BIGINT, id_token TEXT, scope TEXT, session_state TEXT, token_type TEXT, PRIMARY KEY (id));
CREATE TABLE sessions (id SERIAL, "userId" INTEGER NOT NULL, expires TIMESTAMPTZ NOT NULL, "sessionToken" VARCHAR(255) NOT NULL, PRIMARY KEY (id));
CREATE TABLE users (id SERIAL, name VARCHAR(255), email VARCHAR(255), "emailVerified" TIMESTAMPTZ, image TEXT, PRIMARY KEY (id));
CREATE UNIQUE INDEX ON sessions ("sessionToken");
CREATE UNIQUE INDEX ON users (email);
CREATE UNIQUE INDEX ON accounts (provider, "providerAccountId");`;

async function setupPgAdapter() {
  const url = await createDatabase("pgadapter");
  const pool = barePool(url);
  const close = onCleanup(() => pool.end());
  await pool.query(PG_ADAPTER_SCHEMA);
  return { name: PG_ADAPTER, url, adapter: PostgresAdapter(pool), close };
}

/** In table order: the floor first (the reference of every ratio), then authdb, then the others. */
export async function setupPostgres() {
  const contenders = [];
  for (const setup of [setupFloor, setupAuthdb, setupPlainFloor, setupIncumbent, setupPgAdapter]) contenders.push(await setup());
  return contenders;
}
