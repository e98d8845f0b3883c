// The seeded people and the workloads: the same Auth.js calls, with the same arguments, for every contender.
import { randomBytes, randomUUID } from "node:crypto";

/**
 * `count` people, generated once and seeded into every contender: the same ids (where the contender keeps
 * the id it is given), emails, accounts and session tokens.
 */
export function people(count) {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    name: `User ${i}`,
    email: `user${i}@example.com`,
    providerAccountId: `gh-${i}`,
    sessionToken: randomUUID(),
    // 160 characters: @auth/sequelize-adapter's access_token is varchar(255), which rejects real-size tokens.
    accessToken: randomBytes(120).toString("base64"),
  }));
}

export const account = (userId, providerAccountId, accessToken) => ({
  userId, type: "oauth", provider: "github", providerAccountId, access_token: accessToken, expires_at: 2_000_000_000, token_type: "bearer",
});

/** Seeds one contender with `everyone`, `callers` at a time; returns what the workloads look up, with the contender's own user ids. */
export async function seed(adapter, everyone, callers = 8) {
  const seeded = new Array(everyone.length);
  let next = 0;
  await Promise.all(Array.from({ length: callers }, async () => {
    while (next < everyone.length) {
      const i = next++;
      const p = everyone[i];
      const user = await adapter.createUser({ id: p.id, name: p.name, email: p.email, emailVerified: null });
      await adapter.linkAccount(account(user.id, p.providerAccountId, p.accessToken));
      await adapter.createSession({ sessionToken: p.sessionToken, userId: user.id, expires: new Date(Date.now() + 30 * 86_400_000) });
      seeded[i] = { id: user.id, email: p.email, providerAccountId: p.providerAccountId, sessionToken: p.sessionToken };
    }
  }));
  return seeded;
}

function found(value, what) {
  if (!value) throw new Error(`${what} found nothing: the contender's data or its code is broken`);
  return value;
}

const inAMinute = () => new Date(Date.now() + 60_000);

/**
 * Each workload is one "call" in the results: its latency is the time of the whole workload (e.g. the
 * three calls of a sign-up). Reads check they found the row (a read that finds nothing is cheaper, and wrong).
 */
export const WORKLOADS = {
  getSessionAndUser: async (adapter, p) => found(await adapter.getSessionAndUser(p.sessionToken), "getSessionAndUser"),
  getUserByAccount: async (adapter, p) => found(await adapter.getUserByAccount({ provider: "github", providerAccountId: p.providerAccountId }), "getUserByAccount"),
  getUserByEmail: async (adapter, p) => found(await adapter.getUserByEmail(p.email), "getUserByEmail"),
  getUser: async (adapter, p) => found(await adapter.getUser(p.id), "getUser"),
  "sign-up": async (adapter) => {
    const fresh = randomUUID();
    const user = await adapter.createUser({ id: randomUUID(), name: "New User", email: `${fresh}@example.com`, emailVerified: null });
    await adapter.linkAccount(account(user.id, fresh, "gho_0123456789abcdef0123456789abcdef0123"));
    await adapter.createSession({ sessionToken: fresh, userId: user.id, expires: inAMinute() });
  },
  verification: async (adapter, p) => {
    const token = randomUUID();
    await adapter.createVerificationToken({ identifier: p.email, token, expires: inAMinute() });
    found(await adapter.useVerificationToken({ identifier: p.email, token }), "useVerificationToken");
  },
  "createSession+deleteSession": async (adapter, p) => {
    const sessionToken = randomUUID();
    await adapter.createSession({ sessionToken, userId: p.id, expires: inAMinute() });
    await adapter.deleteSession(sessionToken);
  },
};

/** What each workload does, for the docs and the table's footnote. */
export const WORKLOAD_CALLS = {
  "sign-up": "createUser + linkAccount + createSession",
  verification: "createVerificationToken + useVerificationToken",
  "createSession+deleteSession": "createSession + deleteSession",
};
