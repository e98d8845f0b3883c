// Every statement the adapter issues, captured through the Sequelize `logging` option (the same log line
// a user sees) while each Auth.js adapter method is called once, in an order that leaves the database as
// it found it: so replaying the statements in that order reproduces exactly what the calls did.
import { randomUUID } from "node:crypto";
import { Sequelize } from "sequelize";
import { SequelizeAdapter } from "../../../dist/index.mjs";

const LOG_PREFIX = /^Execut(?:ing|ed) \([^)]*\): /;

/** The adapter methods, each called once on a fresh user; the last one deletes everything the others created. */
function methodCalls() {
  const userId = randomUUID();
  const email = `scale-probe-${userId}@example.com`;
  const account = { provider: "github", providerAccountId: `probe-${userId}` };
  const sessionToken = randomUUID();
  const credentialID = `probe-${userId}`;
  const token = { identifier: email, token: randomUUID() };
  const expires = new Date(Date.now() + 86_400_000);
  return [
    ["createUser", (a) => a.createUser({ id: userId, email, emailVerified: null, name: "Probe" })],
    ["getUser", (a) => a.getUser(userId)],
    ["getUserByEmail", (a) => a.getUserByEmail(email)],
    ["updateUser", (a) => a.updateUser({ id: userId, name: "Probe 2" })],
    ["linkAccount", (a) => a.linkAccount({ userId, type: "oauth", ...account, access_token: "a".repeat(160), expires_at: 2_000_000_000 })],
    ["getUserByAccount", (a) => a.getUserByAccount(account)],
    ["getAccount", (a) => a.getAccount(account.providerAccountId, account.provider)],
    ["unlinkAccount", (a) => a.unlinkAccount(account)],
    ["createSession", (a) => a.createSession({ sessionToken, userId, expires })],
    ["getSessionAndUser", (a) => a.getSessionAndUser(sessionToken)],
    ["updateSession", (a) => a.updateSession({ sessionToken, expires: new Date(expires.getTime() + 60_000) })],
    ["deleteSession", (a) => a.deleteSession(sessionToken)],
    ["createVerificationToken", (a) => a.createVerificationToken({ ...token, expires })],
    ["useVerificationToken", (a) => a.useVerificationToken(token)],
    ["createAuthenticator", (a) => a.createAuthenticator({
      userId, credentialID, providerAccountId: credentialID, credentialPublicKey: "a".repeat(128), counter: 0,
      credentialDeviceType: "singleDevice", credentialBackedUp: false, transports: "internal",
    })],
    ["getAuthenticator", (a) => a.getAuthenticator(credentialID)],
    ["listAuthenticatorsByUserId", (a) => a.listAuthenticatorsByUserId(userId)],
    ["updateAuthenticatorCounter", (a) => a.updateAuthenticatorCounter(credentialID, 1)],
    ["deleteUser", (a) => a.deleteUser(userId)],
  ];
}

/**
 * Calls every adapter method once through an adapter of its own whose Sequelize logs to us, and returns
 * the statements each call issued ({ method, sql, bind }), plus how many statements the adapter's
 * one-time start-up (schema check, capabilities) issued before the first call.
 */
export async function captureStatements(url) {
  const captured = [];
  let method = "start-up";
  const logging = (line, options) => {
    if (!line.startsWith("Executing")) return;
    captured.push({ method, sql: line.replace(LOG_PREFIX, ""), bind: options?.bind ?? [] });
  };
  const sequelize = new Sequelize(url, { logging, pool: { max: 1 } });
  try {
    const adapter = SequelizeAdapter(sequelize);
    await adapter.getUser(randomUUID()); // start-up happens here, outside the calls we record
    const startup = captured.length - 1;
    captured.length = 0;
    for (const [name, call] of methodCalls()) {
      method = name;
      const before = captured.length;
      await call(adapter);
      if (captured.length === before) throw new Error(`${name} issued no statement the logging option saw`);
    }
    return { statements: captured, startup };
  } finally {
    await sequelize.close();
  }
}
