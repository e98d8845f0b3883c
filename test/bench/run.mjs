#!/usr/bin/env node
// `npm run bench`: authdb's adapter against @auth/sequelize-adapter and @auth/pg-adapter on the same
// PostgreSQL server, each in a database of its own, same data, same calls. Figures are ratios to
// @auth/pg-adapter (hand-written SQL on a bare pg Pool: the anchor) measured in the same run.
// Bounded: ITERATIONS calls per workload and at most MAX_SECONDS per workload.
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { Sequelize } from "sequelize";
import IncumbentAdapter from "@auth/sequelize-adapter";
import PostgresAdapter from "@auth/pg-adapter";
import { SequelizeAdapter, migrate } from "../../dist/index.mjs";

const ADMIN_URL = process.env.AUTHDB_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SEED_USERS = Number(process.env.BENCH_USERS ?? 1000);
const MAX_SECONDS = 30;
const POOL = { max: 10 };

async function admin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createDatabase(label) {
  const name = `authdb_bench_${label}_${randomBytes(3).toString("hex")}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

// The schema from @auth/pg-adapter's README, plus the indexes its queries need (the README has none,
// which would make the anchor look slow for the wrong reason).
const PG_ADAPTER_SCHEMA = `
CREATE TABLE verification_token (identifier TEXT NOT NULL, expires TIMESTAMPTZ NOT NULL, token TEXT NOT NULL, PRIMARY KEY (identifier, token));
CREATE TABLE accounts (id SERIAL, "userId" INTEGER NOT NULL, type VARCHAR(255) NOT NULL, provider VARCHAR(255) NOT NULL, "providerAccountId" VARCHAR(255) NOT NULL,
  refresh_token TEXT, access_token TEXT, expires_at BIGINT, id_token TEXT, scope TEXT, session_state TEXT, token_type TEXT, PRIMARY KEY (id));
CREATE TABLE sessions (id SERIAL, "userId" INTEGER NOT NULL, expires TIMESTAMPTZ NOT NULL, "sessionToken" VARCHAR(255) NOT NULL, PRIMARY KEY (id));
CREATE TABLE users (id SERIAL, name VARCHAR(255), email VARCHAR(255), "emailVerified" TIMESTAMPTZ, image TEXT, PRIMARY KEY (id));
CREATE UNIQUE INDEX ON sessions ("sessionToken");
CREATE UNIQUE INDEX ON users (email);
CREATE UNIQUE INDEX ON accounts (provider, "providerAccountId");`;

async function setupAuthdb() {
  const db = await createDatabase("authdb");
  const sequelize = new Sequelize(db.url, { logging: false, pool: POOL });
  await migrate(sequelize);
  return { name: "authdb", adapter: SequelizeAdapter(sequelize), close: () => sequelize.close(), db };
}

async function setupIncumbent() {
  const db = await createDatabase("incumbent");
  const sequelize = new Sequelize(db.url, { logging: false, pool: POOL });
  const adapter = IncumbentAdapter(sequelize, { synchronize: false });
  // Its own sync() runs the four CREATEs in parallel, which fails on a fresh PostgreSQL
  // (relation "users" does not exist); creating them in order gives it a fair start.
  for (const model of ["user", "account", "session", "verificationToken"]) await sequelize.models[model].sync();
  return { name: "@auth/sequelize-adapter", adapter, close: () => sequelize.close(), db };
}

async function setupPgAdapter() {
  const db = await createDatabase("pg");
  const pool = new pg.Pool({ connectionString: db.url, ...POOL });
  await pool.query(PG_ADAPTER_SCHEMA);
  return { name: "@auth/pg-adapter", adapter: PostgresAdapter(pool), close: () => pool.end(), db };
}

async function seed({ adapter }) {
  const users = [];
  for (let i = 0; i < SEED_USERS; i++) {
    const user = await adapter.createUser({ id: randomUUID(), email: `user${i}@example.com`, emailVerified: null, name: `User ${i}` });
    const providerAccountId = `gh-${i}`;
    await adapter.linkAccount({ userId: user.id, type: "oauth", provider: "github", providerAccountId, access_token: randomBytes(120).toString("base64") /* 160 chars: the incumbent's varchar(255) rejects real-size tokens */, expires_at: 2_000_000_000 });
    const sessionToken = randomUUID();
    await adapter.createSession({ sessionToken, userId: user.id, expires: new Date(Date.now() + 86_400_000) });
    users.push({ id: user.id, email: user.email, providerAccountId, sessionToken });
  }
  return users;
}

const WORKLOADS = {
  getSessionAndUser: (adapter, u) => adapter.getSessionAndUser(u.sessionToken),
  getUserByEmail: (adapter, u) => adapter.getUserByEmail(u.email),
  getUserByAccount: (adapter, u) => adapter.getUserByAccount({ provider: "github", providerAccountId: u.providerAccountId }),
  "createSession+deleteSession": async (adapter, u) => {
    const sessionToken = randomUUID();
    await adapter.createSession({ sessionToken, userId: u.id, expires: new Date(Date.now() + 60_000) });
    await adapter.deleteSession(sessionToken);
  },
  "createVerificationToken+useVerificationToken": async (adapter, u) => {
    const token = randomUUID();
    await adapter.createVerificationToken({ identifier: u.email, token, expires: new Date(Date.now() + 60_000) });
    const used = await adapter.useVerificationToken({ identifier: u.email, token });
    if (!used) throw new Error("token not returned");
  },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs `fn` ITERATIONS times with `concurrency` callers; returns calls per second. */
async function measure(fn, users, concurrency) {
  let next = 0;
  const deadline = performance.now() + MAX_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ITERATIONS && performance.now() < deadline) {
        const i = next++;
        await fn(users[i % users.length]);
      }
    }),
  );
  return next / ((performance.now() - started) / 1000);
}

const subjects = [await setupPgAdapter(), await setupAuthdb(), await setupIncumbent()];
try {
  console.log(`Seeding ${SEED_USERS} users with an account and a session each, per adapter…`);
  const seeded = [];
  for (const subject of subjects) seeded.push(await seed(subject));
  const results = {};
  for (const [workload, call] of Object.entries(WORKLOADS)) {
    results[workload] = {};
    for (const concurrency of [1, CONCURRENCY]) {
      // Interleave the subjects and warm each one up, so no adapter gets a colder server.
      // Rounds interleave the adapters, and the median of each cell is kept, so a checkpoint or a
      // noisy neighbour hits all of them alike rather than one.
      const samples = new Map(subjects.map((s) => [s.name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, subject] of subjects.entries()) {
          await measure((u) => call(subject.adapter, u), seeded[i].slice(0, 50), 1);
          samples.get(subject.name).push(await measure((u) => call(subject.adapter, u), seeded[i], concurrency));
        }
      }
      for (const subject of subjects) results[workload][`${subject.name}@${concurrency}`] = median(samples.get(subject.name));
    }
  }
  const anchor = subjects[0].name;
  console.log(`\n${ITERATIONS} calls per cell, median of ${ROUNDS} interleaved rounds; ops/s, and in brackets the ratio to ${anchor} in the same run (higher is faster).\n`);
  const header = ["workload", "callers", ...subjects.map((s) => s.name)];
  const rows = [];
  for (const [workload, cells] of Object.entries(results)) {
    for (const concurrency of [1, CONCURRENCY]) {
      const base = cells[`${anchor}@${concurrency}`];
      rows.push([workload, String(concurrency), ...subjects.map((s) => {
        const value = cells[`${s.name}@${concurrency}`];
        return `${Math.round(value)} (${(value / base).toFixed(2)}×)`;
      })]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
  if (process.argv.includes("--json")) console.log(JSON.stringify(results));
} finally {
  for (const subject of subjects) {
    await subject.close();
    await subject.db.drop();
  }
}
