/**
 * The Express example (examples/express) in a real browser: Debian's chromium driven by playwright-core
 * signs in through Auth.js's own pages with the magic link the example writes to a file, sets the custom
 * column phoneNumber, sees it on the signed-in page and signs out on Auth.js's sign-out page. After each
 * step the rows are checked with SQL from outside the app. Screenshot: test-output/examples/.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { createPostgresDatabase, createTempDir, pgQuery, type TestDatabase } from "../helpers/databases";
import { ROOT, migrateExampleDatabase, requireBuild, startExample, type RunningExample } from "./exampleApp";

const CHROMIUM = "/usr/bin/chromium";
const OUTPUT_DIR = path.join(ROOT, "test-output", "examples");
const EMAIL = "Browser.User@Example.com";
const PHONE = "+41 79 555 01 23";

let database: TestDatabase;
let temp: { dir: string; cleanup(): void };
let app: RunningExample;
let browser: Browser;
let page: Page;
let linkFile: string;

const rows = (sql: string, params: unknown[] = []) => pgQuery(database.url, sql, params);

beforeAll(async () => {
  requireBuild();
  // No silent skip, on CI or locally: the browser test is part of the suite.
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing (${CHROMIUM}): the Express example's browser test needs Debian's chromium. Install it with \`apt-get install -y chromium\` (\`bash .ci/run\` does).`);
  }
  mkdirSync(OUTPUT_DIR, { recursive: true });
  database = await createPostgresDatabase("example_express");
  temp = createTempDir("example-express");
  linkFile = path.join(temp.dir, "magic-link.txt");
  await migrateExampleDatabase(database.url);
  app = await startExample("express/app.mjs", { DATABASE_URL: database.url, MAGIC_LINK_FILE: linkFile });
  // Each launch gets a fresh temporary profile (user-data-dir) from Playwright, removed on close.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await database?.drop();
  temp?.cleanup();
});

// The steps build on each other: after a failure the rest report which step broke instead of failing
// for a reason of their own, and the page at the failure is saved next to the screenshot.
let failedStep: string | undefined;
function step(name: string, run: () => Promise<void>): void {
  test(name, async () => {
    if (failedStep) throw new Error(`not run: the earlier step "${failedStep}" failed`);
    try {
      await run();
    } catch (error) {
      failedStep = name;
      const shot = path.join(OUTPUT_DIR, "express-failure.png");
      if (page && (await page.screenshot({ path: shot, fullPage: true }).then(() => true, () => false)) && error instanceof Error) {
        error.message += `\n\nThe page at the failure: ${path.relative(ROOT, shot)}`;
      }
      throw error;
    }
  });
}

step("signed out, the home page links to Auth.js's sign-in page", async () => {
  await page.goto(app.url);
  expect(await page.locator("body").innerText()).toContain("You are not signed in.");
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.waitForURL("**/auth/signin");
});

step("submitting an email on Auth.js's sign-in page stores a verification token and writes the link", async () => {
  rmSync(linkFile, { force: true });
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByRole("button", { name: "Sign in with Email" }).click();
  await page.waitForURL("**/auth/verify-request**");
  expect(await page.locator("body").innerText()).toContain("Check your email");
  expect(await rows("SELECT identifier FROM verification_tokens")).toEqual([{ identifier: "browser.user@example.com" }]);
  expect(readFileSync(linkFile, "utf8")).toContain(`${app.url}/auth/callback/email?`);
});

step("the magic link signs in: token used, user and session rows, email on the page", async () => {
  await page.goto(readFileSync(linkFile, "utf8"));
  await page.waitForURL(`${app.url}/`);
  expect(await page.locator("#email").innerText()).toBe("browser.user@example.com");
  expect(await page.locator("#phone-number").innerText()).toBe("not set");

  expect(await rows("SELECT identifier FROM verification_tokens")).toEqual([]);
  const users = await rows("SELECT id, email, phone_number FROM users");
  expect(users).toEqual([{ id: expect.any(String), email: "browser.user@example.com", phone_number: null }]);
  const [sessionCookie] = (await page.context().cookies()).filter((c) => c.name.endsWith("authjs.session-token"));
  expect(sessionCookie).toBeDefined();
  expect(await rows("SELECT user_id FROM sessions WHERE session_token = $1", [sessionCookie.value])).toEqual([{ user_id: users[0].id }]);
});

step("the user saves a phone number (users.phone_number) and sees it on the signed-in page; another site cannot change it", async () => {
  await page.getByLabel("Phone number").fill(PHONE);
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL(`${app.url}/`);
  expect(await rows("SELECT phone_number FROM users")).toEqual([{ phone_number: PHONE }]);
  expect(await page.locator("#email").innerText()).toBe("browser.user@example.com");
  expect(await page.locator("#phone-number").innerText()).toBe(PHONE);

  // A form on another site cannot change it, even with the session cookie.
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const foreign = await fetch(`${app.url}/profile`, {
    method: "POST",
    headers: { cookie, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
    body: "phoneNumber=x",
    redirect: "manual",
  });
  expect(foreign.status).toBe(403);
  expect(await rows("SELECT phone_number FROM users")).toEqual([{ phone_number: PHONE }]);
  await page.screenshot({ path: path.join(OUTPUT_DIR, "express-signed-in.png"), fullPage: true });
});

step("signing out on Auth.js's sign-out page deletes the session row", async () => {
  await page.getByRole("link", { name: "Sign out" }).click();
  await page.waitForURL("**/auth/signout");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${app.url}/`);
  expect(await page.locator("body").innerText()).toContain("You are not signed in.");
  expect(await rows("SELECT user_id FROM sessions")).toEqual([]);
  expect(await rows("SELECT email FROM users")).toEqual([{ email: "browser.user@example.com" }]);
});
