import path from "node:path";
import { InvalidInputError } from "../errors";

export type Dialect = "postgres" | "sqlite" | "mysql" | "mariadb";

export interface ParsedDatabaseUrl {
  dialect: Dialect;
  /** For SQLite: the file, or ":memory:". */
  storage?: string;
  url: string;
}

const PROTOCOLS: Record<string, Dialect> = {
  "postgres:": "postgres",
  "postgresql:": "postgres",
  "sqlite:": "sqlite",
  "mysql:": "mysql",
  "mariadb:": "mariadb",
};

/** `sqlite::memory:`, `sqlite:./app.db`, `sqlite:app.db`, `sqlite:///abs/app.db` → the storage path. */
function sqliteStorage(url: string, cwd: string): string {
  const rest = url.slice("sqlite:".length);
  if (rest === ":memory:" || rest === "//:memory:") return ":memory:";
  const file = rest.startsWith("//") ? rest.slice(2) : rest;
  if (!file) throw new InvalidInputError(`"${url}" names no SQLite file`, "Use sqlite:./authdb.sqlite or sqlite::memory:");
  return path.resolve(cwd, file);
}

export function parseDatabaseUrl(url: string, cwd = process.cwd()): ParsedDatabaseUrl {
  const protocol = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  const dialect = protocol ? PROTOCOLS[protocol] : undefined;
  if (!dialect) {
    throw new InvalidInputError(
      `unsupported database URL "${redactUrl(url)}"`,
      "Use postgres://user:password@host:5432/db, mysql://…, mariadb://…, sqlite:./file.sqlite or sqlite::memory:",
    );
  }
  if (dialect === "sqlite") return { dialect, storage: sqliteStorage(url, cwd), url };
  try {
    new URL(url);
  } catch {
    throw new InvalidInputError(`malformed database URL "${redactUrl(url)}"`, "Check the host, port and database name; percent-encode special characters in the password.");
  }
  return { dialect, url };
}

/** The URL with its password masked, for messages and logs. */
export function redactUrl(url: string): string {
  // Up to the last "@" before the path, so an unencoded "@" in the password is masked too.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/]*)@/i, (whole, scheme: string, credentials: string) => {
    const user = credentials.split(":")[0];
    return credentials.includes(":") ? `${scheme}${user}:***@` : whole;
  });
}

/**
 * "CI=…" or "NODE_ENV=production" when this process runs in CI or a deploy, else null. There authdb
 * neither falls back to a local SQLite file nor rewrites files in the checkout.
 */
export function deployEnvironment(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CI && !["false", "0"].includes(env.CI.toLowerCase())) return `CI=${env.CI}`;
  if (env.NODE_ENV === "production") return "NODE_ENV=production";
  return null;
}

export type UrlSource = "--url" | "config" | "DATABASE_URL" | "default";

export const DEFAULT_SQLITE_URL = "sqlite:./authdb.sqlite";

/**
 * `--url` > config `url` > DATABASE_URL > the embedded SQLite file; but a deploy (CI=true or
 * NODE_ENV=production) must never migrate a stray local file, so there a missing URL is an error.
 */
export function resolveDatabaseUrl(input: { flag?: string; config?: string; env?: NodeJS.ProcessEnv }): { url: string; source: UrlSource } {
  const env = input.env ?? process.env;
  if (input.flag) return { url: input.flag, source: "--url" };
  if (input.config) return { url: input.config, source: "config" };
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, source: "DATABASE_URL" };
  const deploy = deployEnvironment(env);
  if (deploy) {
    const why = deploy;
    throw new InvalidInputError(
      `no database URL given, and with ${why} authdb does not fall back to the local SQLite file`,
      "Pass --url, set url in authdb.config, or set DATABASE_URL.",
    );
  }
  return { url: DEFAULT_SQLITE_URL, source: "default" };
}
