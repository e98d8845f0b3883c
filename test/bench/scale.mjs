#!/usr/bin/env node
// `npm run bench:scale`: does the adapter stay flat as the tables grow? On PostgreSQL:
//   1. two fresh databases, migrated by authdb: SCALE_SMALL users and SCALE_USERS users, each user with
//      an account and a session (loaded server-side, see scale/load.mjs);
//   2. p50/p99 of getSessionAndUser and getUserByAccount at 1 caller on both, in interleaved rounds,
//      and the ratio large/small (target: within 1.5×);
//   3. EXPLAIN of every statement the adapter issues, on the large one, and a check that the foreign
//      keys deleteUser cascades through are indexed.
// Exit 1 on a sequential scan of a growing table or an unindexed foreign key (plans are facts; the
// latency ratio is printed, not enforced: this machine is shared). The databases are dropped at the end,
// on error and on Ctrl-C. Not part of `npm test`.
import pg from "pg";
import { Sequelize } from "sequelize";
import { SequelizeAdapter, migrate } from "../../dist/index.mjs";
import { createScratchDatabase, dropAll, isInterrupted, onInterrupt } from "./scale/database.mjs";
import { loadUsers, rowCounts, tableSizes } from "./scale/load.mjs";
import { measureFlatness } from "./scale/flatness.mjs";
import { captureStatements } from "./scale/statements.mjs";
import { explainStatements, foreignKeyIndexes } from "./scale/plans.mjs";
import { printPlans } from "./scale/planReport.mjs";

const USERS = Number(process.env.SCALE_USERS ?? 1_000_000);
const SMALL = Number(process.env.SCALE_SMALL ?? 10_000);
const CALL_COUNT = Number(process.env.SCALE_CALLS ?? 2000);
const ROUNDS = Number(process.env.SCALE_ROUNDS ?? 3);
const FLAT_ENOUGH = 1.5;

if (!(SMALL > 0 && USERS > SMALL && CALL_COUNT > 0 && ROUNDS > 0)) {
  console.error(`Needs 0 < SCALE_SMALL (${SMALL}) < SCALE_USERS (${USERS}), SCALE_CALLS (${CALL_COUNT}) > 0, SCALE_ROUNDS (${ROUNDS}) > 0.`);
  process.exit(2);
}

const n = (value) => Number(value).toLocaleString("en");
const ms = (value) => `${value.toFixed(3)} ms`;

const open = []; // Sequelize instances and pg clients to close before the databases are dropped
const closeAll = async () => {
  for (const connection of open.splice(0)) await (connection.close?.() ?? connection.end()).catch(() => {});
};
onInterrupt(closeAll);

/** A migrated database with `users` users, an adapter on it (pool of 10, no logging) and a pg client. */
async function populatedDatabase(label, users) {
  const db = await createScratchDatabase(label);
  const sequelize = new Sequelize(db.url, { logging: false, pool: { max: 10 } });
  open.push(sequelize);
  await migrate(sequelize);
  const client = new pg.Client({ connectionString: db.url });
  open.push(client);
  await client.connect();
  const load = await loadUsers(client, 0, users);
  console.log(`${db.name}: loaded ${n(users)} users in ${load.insertSeconds.toFixed(1)} s (+ ${load.vacuumSeconds.toFixed(1)} s VACUUM ANALYZE, CHECKPOINT)`);
  console.log(`  rows: ${Object.entries(await rowCounts(client)).map(([t, c]) => `${t} ${n(c)}`).join(", ")}`);
  console.log(`  size (heap + indexes): ${Object.entries(await tableSizes(client)).map(([t, mb]) => `${t} ${mb} MB`).join(", ")}`);
  return { db, users, adapter: SequelizeAdapter(sequelize), client };
}

let allIndexed = false;
try {
  const small = await populatedDatabase("small", SMALL);
  const large = await populatedDatabase("large", USERS);

  console.log(`\nLatency at 1 caller: ${n(CALL_COUNT)} calls on random existing users per cell, median of ${ROUNDS} interleaved rounds.`);
  const onRound = (round, p50s) =>
    console.log(`  round ${round}/${ROUNDS}, p50 small/large: ${Object.entries(p50s).map(([name, [a, b]]) => `${name} ${ms(a)} / ${ms(b)}`).join(", ")}`);
  const latency = await measureFlatness([small, large], { rounds: ROUNDS, calls: CALL_COUNT, onRound });
  const header = ["call", `p50 ${n(SMALL)}`, `p50 ${n(USERS)}`, "p50 ratio", `p99 ${n(SMALL)}`, `p99 ${n(USERS)}`, "p99 ratio", `p50 ≤ ${FLAT_ENOUGH}×`];
  const rows = Object.entries(latency).map(([name, [atSmall, atLarge]]) => {
    const ratio = atLarge.p50 / atSmall.p50;
    return [name, ms(atSmall.p50), ms(atLarge.p50), `${ratio.toFixed(2)}×`, ms(atSmall.p99), ms(atLarge.p99), `${(atLarge.p99 / atSmall.p99).toFixed(2)}×`, ratio <= FLAT_ENOUGH ? "yes" : "NO"];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`);

  const { statements, startup } = await captureStatements(large.db.url);
  const explained = await explainStatements(large.client, statements);
  allIndexed = printPlans(explained, await foreignKeyIndexes(large.client), { users: n(USERS), startup });
} catch (error) {
  // After Ctrl-C the signal handler closes the connections under our feet, drops the databases and exits.
  if (isInterrupted()) await new Promise(() => {});
  throw error;
} finally {
  if (!isInterrupted()) {
    await closeAll();
    await dropAll();
  }
}
console.log(`\nPeak memory (max RSS) of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
if (!allIndexed) process.exitCode = 1;
