/**
 * Dates on MariaDB are stored and returned in UTC, with milliseconds, whatever the process's time zone, the
 * app's Sequelize `timezone` option (an offset, or a zone name mysql2 ignores while Sequelize applies it)
 * and the server session's time_zone. Each case runs in a child process whose TZ is New York's (a running
 * Node cannot be moved to another zone reliably), against the built package; rows are read from outside.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { Sequelize } from "sequelize";
import { migrate } from "../../src/migrator/migrate";
import { createMariaDatabase, mysqlQuery, type TestDatabase } from "../helpers/databases";

const ROOT = path.join(__dirname, "..", "..");
const INSTANT = "2031-07-03T04:05:06.789Z";

/** Runs the adapter in a New York process with `options` on the app's instance; returns what it read back. */
function inNewYork(url: string, options: object, sessionToken: string) {
  const script = `
    const { Sequelize } = require("sequelize");
    const { SequelizeAdapter } = require(${JSON.stringify(ROOT)});
    (async () => {
      const sequelize = new Sequelize(process.env.URL, { logging: false, ...${JSON.stringify(options)} });
      const adapter = SequelizeAdapter(sequelize, {});
      const instant = new Date(${JSON.stringify(INSTANT)});
      const user = await adapter.createUser({ id: require("node:crypto").randomUUID(), email: process.env.TOKEN + "@example.com", emailVerified: instant });
      const created = await adapter.createSession({ sessionToken: process.env.TOKEN, userId: user.id, expires: instant });
      const found = await adapter.getSessionAndUser(process.env.TOKEN);
      const updated = await adapter.updateUser({ id: user.id, emailVerified: new Date(instant.getTime() + 1) });
      const token = { identifier: user.email, token: process.env.TOKEN, expires: instant };
      await adapter.createVerificationToken(token);
      const used = await adapter.useVerificationToken(token);
      console.log(JSON.stringify({
        offset: new Date(2031, 6, 3).getTimezoneOffset(),
        created: created.expires.toISOString(),
        session: found.session.expires.toISOString(),
        user: found.user.emailVerified.toISOString(),
        updated: updated.emailVerified.toISOString(),
        used: used.expires.toISOString(),
      }));
      await sequelize.close();
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const result = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TZ: "America/New_York", URL: url, TOKEN: sessionToken } });
  expect(result.stderr.replace(/.*Ignoring invalid timezone.*\n?/g, "")).toBe("");
  return JSON.parse(result.stdout);
}

describe("MariaDB dates are UTC with milliseconds, whatever the time zones", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createMariaDatabase("time_zones");
    const sequelize = new Sequelize(database.url, { logging: false });
    await migrate(sequelize, {});
    await sequelize.close();
  });
  afterAll(() => database?.drop());

  test.each([
    ["no options", {}],
    ["timezone: \"-05:00\"", { timezone: "-05:00" }],
    ["timezone: \"+09:00\"", { timezone: "+09:00" }],
    ["timezone: \"America/New_York\" (a name mysql2 ignores)", { timezone: "America/New_York" }],
  ])("an app's instance with %s", async (_, options) => {
    const sessionToken = randomUUID();
    const read = inNewYork(database.url, options, sessionToken);
    expect(read).toEqual({ offset: 240, created: INSTANT, session: INSTANT, user: INSTANT, updated: "2031-07-03T04:05:06.790Z", used: INSTANT });
    const [row] = await mysqlQuery<{ expires: string; email_verified: string }>(
      database.url,
      "SELECT CAST(s.expires AS CHAR) AS expires, CAST(u.email_verified AS CHAR) AS email_verified FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.session_token = ?",
      [sessionToken],
    );
    expect(row).toEqual({ expires: "2031-07-03 04:05:06.789", email_verified: "2031-07-03 04:05:06.790" });
  });
});
