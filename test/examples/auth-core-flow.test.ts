/**
 * The framework-free example (examples/auth-core: Auth() of @auth/core on node:http) end to end over
 * HTTP, on SQLite and PostgreSQL: email sign-in with the magic link the example writes to a file,
 * the database session, the custom column phoneNumber in the session, sign-out. Every step is also
 * checked in the tables with SQL from outside authdb.
 */
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { createPostgresDatabase, createSqliteDatabase, createTempDir, sqlQuery, type TestDatabase } from "../helpers/databases";
import { CookieJar } from "./cookieJar";
import { migrateExampleDatabase, requireBuild, startExample, type RunningExample } from "./exampleApp";

const EMAIL = "Magic.Link@Example.com";
const PHONE = "+41 79 555 01 23";

const targets: Array<[string, () => Promise<TestDatabase> | TestDatabase]> = [
  ["SQLite file", () => createSqliteDatabase("example-core")],
  ["PostgreSQL", () => createPostgresDatabase("example_core")],
];

beforeAll(requireBuild);

describe.each(targets)("examples/auth-core: email sign-in with database sessions (%s)", (_label, create) => {
  let database: TestDatabase;
  let temp: { dir: string; cleanup(): void };
  let app: RunningExample;
  let linkFile: string;
  const jar = new CookieJar();

  const request = async (target: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set("cookie", jar.header());
    return jar.keep(await fetch(new URL(target, app.url), { ...init, headers, redirect: "manual" }));
  };
  const postForm = (target: string, fields: Record<string, string>) =>
    request(target, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });
  const rows = (sql: string, params: unknown[] = []) => sqlQuery(database.url, sql, params);

  beforeAll(async () => {
    database = await create();
    temp = createTempDir("example-core");
    linkFile = path.join(temp.dir, "magic-link.txt");
    await migrateExampleDatabase(database.url);
    app = await startExample("auth-core/server.mjs", { DATABASE_URL: database.url, MAGIC_LINK_FILE: linkFile });
  });

  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    temp?.cleanup();
  });

  test("magic link → session with phoneNumber → sign-out", async () => {
    const csrf = await request("/auth/csrf");
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    expect(csrfToken).toEqual(expect.any(String));

    // Sign-in: a verification token row for the normalised address, and the link in the example's file.
    rmSync(linkFile, { force: true });
    const signin = await postForm("/auth/signin/email", { csrfToken, email: EMAIL, callbackUrl: `${app.url}/welcome` });
    expect(signin.status).toBe(302);
    expect(signin.headers.get("location")).toContain("/auth/verify-request");
    expect(await rows("SELECT identifier FROM verification_tokens")).toEqual([{ identifier: "magic.link@example.com" }]);
    const link = readFileSync(linkFile, "utf8");
    expect(link).toContain(`${app.url}/auth/callback/email?`);

    // The link uses the token up, creates the user and a session row, and returns to the callback URL.
    const callback = await request(link);
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe(`${app.url}/welcome`);
    expect(await rows("SELECT identifier FROM verification_tokens")).toEqual([]);
    const sessionToken = jar.find("authjs.session-token");
    expect(sessionToken).toEqual(expect.any(String));
    const [user] = await rows("SELECT id, email, email_verified, phone_number FROM users");
    expect(user).toMatchObject({ email: "magic.link@example.com", phone_number: null });
    expect(Number.isNaN(new Date(user.email_verified as string).getTime())).toBe(false);
    expect(await rows("SELECT user_id FROM sessions WHERE session_token = $1", [sessionToken])).toEqual([{ user_id: user.id }]);

    // The same link a second time: the token was used once and is gone.
    const replay = await fetch(link, { redirect: "manual" });
    expect(replay.headers.get("location")).toContain("error=Verification");

    // The signed-in user sets the custom column through the example's /profile route (the adapter's updateUser).
    const profile = await postForm("/profile", { phoneNumber: PHONE });
    expect(profile.status).toBe(303);
    expect(await rows("SELECT phone_number FROM users WHERE id = $1", [user.id])).toEqual([{ phone_number: PHONE }]);
    // A form on another site cannot change it, even with the session cookie.
    const foreign = await request("/profile", {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "phoneNumber=x",
    });
    expect(foreign.status).toBe(403);
    // A value the column cannot hold: 400 with a message for the visitor (the adapter's, naming tables, is logged), the row unchanged.
    const tooLong = await postForm("/profile", { phoneNumber: "1".repeat(256) });
    expect(tooLong.status).toBe(400);
    const refusal = await tooLong.text();
    expect(refusal).toBe("That phone number cannot be saved: use at most 255 characters.");
    expect(await rows("SELECT phone_number FROM users WHERE id = $1", [user.id])).toEqual([{ phone_number: PHONE }]);

    // The session callback puts phoneNumber on session.user.
    const session = (await (await request("/auth/session")).json()) as { user: unknown; expires: string };
    expect(session.user).toEqual({ id: user.id, name: null, email: "magic.link@example.com", image: null, phoneNumber: PHONE });
    expect(new Date(session.expires).getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    expect(await (await request("/")).text()).toBe(`Signed in as magic.link@example.com, phone number ${PHONE}`);

    // Sign-out deletes the session row; the session endpoint then answers null.
    const signout = await postForm("/auth/signout", { csrfToken, callbackUrl: `${app.url}/` });
    expect(signout.status).toBe(302);
    expect(await rows("SELECT user_id FROM sessions")).toEqual([]);
    expect(await (await request("/auth/session")).json()).toBeNull();
    expect((await postForm("/profile", { phoneNumber: "+1 555 0100" })).status).toBe(401);
    expect(await rows("SELECT phone_number FROM users")).toEqual([{ phone_number: PHONE }]);

    // The replayed link is the only error Auth.js logged.
    const loggedErrors = [...app.output().replace(/\x1b\[\d+m/g, "").matchAll(/\[auth\]\[error\] (\w+)/g)].map((m) => m[1]);
    expect(loggedErrors).toEqual(["Verification"]);
  });
});
