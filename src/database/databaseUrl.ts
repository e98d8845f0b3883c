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
  // One driver for the family, mysql2 (what a mysql:// URL uses, and it speaks to MariaDB too): the
  // `mariadb` npm package Sequelize would want for a mariadb:// URL is not installed with authdb.
  "mariadb:": "mysql",
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
  const hint = "Check the host, port and database name; percent-encode special characters in the user and password (/ as %2F, @ as %40, # as %23, ? as %3F, : as %3A, % as %25).";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError(`malformed database URL "${redactUrl(url)}"`, hint);
  }
  // The drivers decode the user and password; a stray "%" would throw deep inside them.
  try {
    decodeURIComponent(parsed.username);
    decodeURIComponent(parsed.password);
  } catch {
    throw new InvalidInputError(`malformed database URL "${redactUrl(url)}": its user or password holds a "%" that starts no percent-escape`, hint);
  }
  return { dialect, url };
}

/**
 * The URL with its password masked, for messages and logs. A password may hold unencoded "/", "@", "#",
 * "?" or ":", so the credentials run from after "scheme://" to the LAST "@" in the URL: that over-masks a
 * URL whose query holds an "@", never under-masks one whose password does.
 */
export function redactUrl(url: string): string {
  const userinfo = splitUserinfo(url);
  const masked = userinfo?.password === undefined ? url : `${userinfo.before}:***${userinfo.after}`;
  return masked.replace(PASSWORD_PARAMETER, "$1***");
}

/**
 * Every URL's password in a text authdb did not write (a config that throws `cannot reach
 * postgres://app:pw@db`, a driver's message): masked even when it is not the URL this run uses, so the
 * registered-secrets scrub could not know it. The password runs to the last "@" before a space, so a "/"
 * in it is masked too.
 */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_WITH_PASSWORD, "$1:***@").replace(PASSWORD_PARAMETER, "$1***");
}
const URL_WITH_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):\S*@(?=[^\s@]*(?:\s|$))/gi;

/** `?password=…` and `?sslpassword=…`: pg reads a password from the query string too. */
const PASSWORD_PARAMETER = /([?&](?:ssl)?password=)[^&#]*/gi;

/** `scheme://user` | `:password` | `@rest`, the password running to the last "@"; null without a userinfo. */
function splitUserinfo(url: string): { before: string; password?: string; after: string } | null {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0];
  const at = url.lastIndexOf("@");
  if (!scheme || at < scheme.length) return null;
  const colon = url.indexOf(":", scheme.length);
  if (colon < 0 || colon > at) return { before: url.slice(0, at), after: url.slice(at) };
  return { before: url.slice(0, colon), password: url.slice(colon + 1, at), after: url.slice(at) };
}

/** The password of a URL as written and percent-decoded, so output can be scrubbed of both forms. */
export function urlPasswords(url: string): string[] {
  const raw: string[] = [...url.matchAll(PASSWORD_PARAMETER)].map((match) => match[0].slice(match[1].length));
  const password = splitUserinfo(url)?.password;
  if (password !== undefined) raw.push(password);
  const decode = (value: string) => {
    try {
      return decodeURIComponent(value);
    } catch {
      // A stray "%" is not an escape: the raw form is what appears in output.
      return value;
    }
  };
  return [...new Set(raw.flatMap((value) => [value, decode(value)]))].filter((value) => value.length > 0);
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
  // An unset shell variable gives `--url ""`: that is a mistake to report, not a reason to fall back.
  if (input.flag !== undefined) return { url: nonBlank(input.flag, "--url"), source: "--url" };
  if (input.config !== undefined) return { url: nonBlank(input.config, "url in the config"), source: "config" };
  if (env.DATABASE_URL !== undefined) return { url: nonBlank(env.DATABASE_URL, "DATABASE_URL"), source: "DATABASE_URL" };
  const deploy = deployEnvironment(env);
  if (deploy) {
    throw new InvalidInputError(
      `no database URL given, and with ${deploy} authdb does not fall back to the local SQLite file`,
      "Pass --url, set url in authdb.config, or set DATABASE_URL.",
    );
  }
  return { url: DEFAULT_SQLITE_URL, source: "default" };
}

function nonBlank(url: string, source: string): string {
  if (typeof url === "string" && url.trim() !== "") return url.trim();
  throw new InvalidInputError(
    `${source} is empty${source === "--url" ? " (an unset shell variable, e.g. --url \"$DATABASE_URL\"?)" : ""}: authdb does not fall back to another database`,
    "Give a database URL such as postgres://user:password@host:5432/db or sqlite:./authdb.sqlite.",
  );
}
