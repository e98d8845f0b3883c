// The PostgreSQL admin connection every bench script uses: one statement on a short-lived client, and
// the URL of a database it created (the admin URL with another database name).
import pg from "pg";

/** AUTHDB_TEST_PG_URL, as the test suites read it; an empty value counts as unset. */
export const ADMIN_URL = process.env.AUTHDB_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/test";

/** Runs one statement (CREATE/DROP DATABASE, SHOW …) on a client of its own; returns pg's result. */
export async function adminQuery(sql) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The admin URL pointed at database `name`. */
export function databaseUrl(name) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
