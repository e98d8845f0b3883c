import { Sequelize, type Options } from "sequelize";
import { createSequelize } from "../database";
import { InvalidInputError } from "../errors";

/** A Sequelize instance, a database URL, or `{ url, ...sequelizeOptions }`. */
export type AdapterClient = Sequelize | string | ({ url: string } & Options);

/** Pool for a web server: a handful of connections per process, idle ones released. */
export const DEFAULT_POOL = { max: 10, min: 0, idle: 10_000, acquire: 30_000 } as const;

/**
 * The Sequelize instance the adapter uses, and whether the adapter created it (then `close()` closes it).
 * An instance the caller passes stays the caller's: the adapter never closes it.
 */
export function resolveClient(client: AdapterClient): { sequelize: Sequelize; owned: boolean } {
  assertGiven(client);
  if (client instanceof Sequelize) return { sequelize: client, owned: false };
  // A second copy of sequelize in node_modules fails instanceof; recognise the instance by its shape.
  if (isSequelizeLike(client)) return { sequelize: client, owned: false };
  if (typeof client === "string") return { sequelize: createSequelize(client, { logging: false, pool: { ...DEFAULT_POOL } }), owned: true };
  if (client && typeof client === "object" && typeof client.url === "string") {
    const { url, ...options } = client;
    return { sequelize: createSequelize(url, { logging: false, ...options, pool: { ...DEFAULT_POOL, ...options.pool } }), owned: true };
  }
  throw new InvalidInputError(
    "SequelizeAdapter needs a Sequelize instance, a database URL, or { url, ...sequelizeOptions }",
    'e.g. SequelizeAdapter(new Sequelize(process.env.DATABASE_URL)) or SequelizeAdapter("postgres://user:pass@host/db")',
  );
}

function isSequelizeLike(value: unknown): value is Sequelize {
  const candidate = value as Partial<Sequelize> | null;
  return typeof candidate === "object" && candidate !== null && typeof candidate.query === "function" && typeof candidate.getDialect === "function";
}

/** `SequelizeAdapter(process.env.DATABASE_URL)` with the variable unset: say so, not "needs a Sequelize instance". */
function assertGiven(client: unknown): void {
  const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === "string" && value.trim() === "");
  const url = typeof client === "object" && client !== null && "url" in client ? (client as { url?: unknown }).url : "";
  if (!isBlank(client) && !(typeof client === "object" && client !== null && "url" in client && isBlank(url))) return;
  const show = (value: unknown) => (typeof value === "string" ? "an empty string" : String(value));
  const got = isBlank(client) ? show(client) : `{ url: ${show(url)} }`;
  throw new InvalidInputError(
    `SequelizeAdapter received ${got} instead of a Sequelize instance or a database URL`,
    "If you pass process.env.DATABASE_URL, that variable is not set in this process (check your .env file or the deploy's environment).",
  );
}
