/**
 * End to end with the real Auth() of @auth/core (ESM-only, so jest cannot import it): a Node ESM script
 * drives an email sign-in against the built package (dist/, `npm run build`) and prints what it saw.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { createPostgresDatabase, createSqliteDatabase, type TestDatabase } from "../helpers/databases";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(__dirname, "authjs-email-flow.mjs");

const targets: Array<[string, () => Promise<TestDatabase> | TestDatabase]> = [
  ["SQLite file", () => createSqliteDatabase("e2e-email")],
  ["PostgreSQL", () => createPostgresDatabase("e2e_email")],
];

beforeAll(() => {
  if (!existsSync(path.join(ROOT, "dist", "index.mjs"))) throw new Error("dist/ is missing: run `npm run build` first");
});

describe.each(targets)("Auth.js email sign-in with the database session strategy (%s)", (_label, create) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await create();
  });

  afterAll(async () => {
    await database.drop();
  });

  test("magic link → session → sign-out", async () => {
    const { stdout } = await run(process.execPath, [SCRIPT, database.url], { cwd: ROOT, timeout: 60_000 });
    const seen = JSON.parse(stdout);
    expect(seen.error).toBeUndefined();

    expect(seen.hasCsrfToken).toBe(true);
    expect(seen.signinStatus).toBe(302);
    expect(seen.signinLocation).toContain("/auth/verify-request");
    expect(seen.verificationUrlCaptured).toBe(true);
    expect(seen.pendingTokens).toEqual(["magic.link@example.com"]);

    // Following the link uses the token (gone from the table), creates the user and a session row.
    expect(seen.callbackStatus).toBe(302);
    expect(seen.callbackLocation).toBe("http://localhost:3000/dashboard");
    expect(seen.tokensAfterCallback).toBe(0);
    expect(seen.hasSessionCookie).toBe(true);
    expect(seen.sessionRows).toBe(1);
    // The link works once: the second use is Auth.js's Verification error, the only error logged.
    expect(seen.replayLocation).toContain("error=Verification");
    expect(seen.loggedErrors).toEqual(["Verification"]);

    expect(seen.session.user).toEqual({ name: null, email: "magic.link@example.com", image: null });
    expect(new Date(seen.session.expires).getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    expect(seen.user).toMatchObject({ email: "magic.link@example.com", phoneNumber: null });
    expect(Number.isNaN(new Date(seen.user.emailVerified).getTime())).toBe(false);

    // Sign-out deletes the session row; the session endpoint then returns null.
    expect(seen.signoutStatus).toBe(302);
    expect(seen.sessionRowsAfterSignout).toBe(0);
    expect(seen.sessionAfterSignout).toBeNull();
  });
});
