#!/usr/bin/env node
// `npm run bench`: authdb's adapter against the floor (authdb's own SQL on a bare pg.Pool),
// @auth/sequelize-adapter and @auth/pg-adapter on one PostgreSQL server, then authdb against
// @auth/sequelize-adapter on SQLite files. Each contender has a fresh database, the same seeded people,
// the same calls and the same pool size. Prints tables (stdout), progress (stderr), writes the chart,
// and with --json prints the raw results as the last line. Settings and fairness: docs/benchmarks.md.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cleanUp, serverVersion, wasInterrupted } from "./databases.mjs";
import { renderChart } from "./chart.mjs";
import { checkFloor } from "./floorCheck.mjs";
import { measure, medianOfRounds } from "./measure.mjs";
import { AUTHDB, FLOOR, INCUMBENT } from "./contenderNames.mjs";
import { setupPostgres } from "./postgres.mjs";
import { cappedNote, describeMachine, machine, partTables } from "./report.mjs";
import { exactCommand, settings } from "./settings.mjs";
import { setupSqlite } from "./sqlite.mjs";
import { WORKLOAD_CALLS, WORKLOADS, people, seed } from "./workloads.mjs";

const progress = (message) => process.stderr.write(`${message}\n`);
const CALLERS = [...new Set([1, settings.concurrency])];

/** Rotates the order each round, so no contender always runs first (or right after another's writes). */
const rotated = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

/**
 * Seeds every contender with `everyone`, then measures every workload × callers × contender cell in
 * `settings.rounds` rounds; a round visits every cell once, so a checkpoint or a noisy neighbour hits
 * all contenders alike. Each cell keeps the median of its rounds.
 */
async function runPart(label, contenders, reference, everyone) {
  const seeded = new Map();
  for (const contender of contenders) {
    progress(`${label}: seeding ${everyone.length} people (user, account, session) into ${contender.name}…`);
    seeded.set(contender.name, await seed(contender.adapter, everyone, Math.min(settings.pool, 8)));
  }
  const samples = {};
  for (const workload of Object.keys(WORKLOADS)) {
    samples[workload] = Object.fromEntries(CALLERS.map((callers) => [callers, Object.fromEntries(contenders.map((c) => [c.name, []]))]));
  }
  const limits = { iterations: settings.iterations, maxSeconds: settings.maxSecondsPerCell };
  for (let round = 0; round < settings.rounds; round++) {
    for (const [workload, run] of Object.entries(WORKLOADS)) {
      progress(`${label}: round ${round + 1}/${settings.rounds}, ${workload}`);
      for (const callers of CALLERS) {
        for (const contender of rotated(contenders, round)) {
          const call = (person) => run(contender.adapter, person);
          const persons = seeded.get(contender.name);
          // Warm up at the cell's own caller count: it fills the pool to the size the cell uses (an idle pool
          // shrinks after 10 s), so no contender pays for opening connections inside its measurement.
          await measure(call, persons, { callers, iterations: Math.max(settings.warmupCalls, 4 * callers), maxSeconds: settings.maxSecondsPerCell });
          // Nor for collecting the previous contender's garbage (with node --expose-gc, as npm run bench does).
          globalThis.gc?.();
          samples[workload][callers][contender.name].push(await measure(call, persons, { callers, ...limits }));
        }
      }
    }
  }
  const cells = {};
  for (const [workload, byCallers] of Object.entries(samples)) {
    cells[workload] = {};
    for (const [callers, byContender] of Object.entries(byCallers)) {
      cells[workload][callers] = Object.fromEntries(Object.entries(byContender).map(([name, list]) => [name, medianOfRounds(list)]));
    }
  }
  return { contenders: contenders.map((c) => c.name), reference, cells };
}

function writeChart(results) {
  const { machine: m, settings: s } = results;
  const subtitle =
    `${results.date.slice(0, 10)} · ${m.cpu}, ${m.cores} cores · Node ${m.node} · PostgreSQL ${m.postgres.split(" ")[0]} · ` +
    `${s.users} users, pool ${s.pool}, median of ${s.rounds} round${s.rounds === 1 ? "" : "s"} of ≤ ${s.iterations} calls`;
  mkdirSync(path.dirname(settings.chartFile), { recursive: true });
  writeFileSync(settings.chartFile, renderChart({ part: results.postgres, callers: settings.concurrency, subtitle, calls: WORKLOAD_CALLS }));
}

async function main() {
  const results = {
    date: new Date().toISOString(),
    command: exactCommand(),
    machine: machine(await serverVersion()),
    settings: {
      pool: settings.pool, callers: CALLERS, rounds: settings.rounds, users: settings.users, iterations: settings.iterations,
      maxSecondsPerCell: settings.maxSecondsPerCell, warmupCalls: settings.warmupCalls,
    },
  };
  console.log(`Command: ${results.command}`);
  console.log(`Machine: ${describeMachine(results.machine)}`);
  console.log(
    `Settings: ${settings.users} seeded users, pool ${settings.pool}, callers ${CALLERS.join(" and ")}, ` +
      `${settings.rounds} interleaved round${settings.rounds === 1 ? "" : "s"} (median per cell), ≤ ${settings.iterations} calls and ≤ ${settings.maxSecondsPerCell} s per cell, ` +
      `≥ ${settings.warmupCalls} warm-up calls at the cell's callers before each${globalThis.gc ? ", gc() before each" : ""}`,
  );
  const everyone = people(settings.users);

  const pgContenders = await setupPostgres();
  const byName = Object.fromEntries(pgContenders.map((c) => [c.name, c]));
  const { differences, authdbPrepares } = await checkFloor({ floorUrl: byName[FLOOR].url, authdbUrl: byName[AUTHDB].url });
  results.floorCheck = differences;
  if (differences.length) {
    console.log(`\n⚠ The floor no longer matches authdb (update test/bench/floor.mjs):\n${differences.map((d) => `  - ${d}`).join("\n")}`);
  } else {
    progress("Floor check: the floor sends authdb's statements and returns the same objects.");
  }
  const floorPrepared = settings.floorPrepared === "auto" ? authdbPrepares : settings.floorPrepared;
  byName[FLOOR].prepare(floorPrepared);
  results.settings.floorPrepared = floorPrepared;
  results.authdbPrepares = authdbPrepares;
  console.log(
    `Floor: authdb's statements, ${floorPrepared ? "named (pg prepared statements)" : "unnamed (plain pool.query)"}; ` +
      `authdb ${authdbPrepares ? "names" : "does not name"} its statements` +
      (settings.floorPrepared === "auto" ? " (BENCH_FLOOR_PREPARED=0/1 overrides)" : floorPrepared === authdbPrepares ? "" : " ⚠ the floor was forced otherwise by BENCH_FLOOR_PREPARED"),
  );
  results.postgres = await runPart("PostgreSQL", pgContenders, FLOOR, everyone);
  for (const contender of pgContenders) await contender.close();
  console.log(`\n## PostgreSQL ${results.machine.postgres}\n\n${partTables(results.postgres)}`);

  if (settings.sqlite) {
    const sqliteContenders = await setupSqlite();
    results.sqlite = await runPart("SQLite", sqliteContenders, INCUMBENT, everyone);
    for (const contender of sqliteContenders) await contender.close();
    console.log(`\n## SQLite (a file each, default journal mode)\n\n${partTables(results.sqlite)}`);
  }

  const note = cappedNote([results.postgres, results.sqlite].filter(Boolean), settings.maxSecondsPerCell);
  if (note) console.log(`\n${note}`);
  const calls = Object.entries(WORKLOAD_CALLS).map(([w, c]) => `${w} = ${c}`).join("; ");
  console.log(`\nOne workload call: ${calls}; the others are the one adapter call they name.`);
  writeChart(results);
  console.log(`Chart: ${path.relative(process.cwd(), settings.chartFile)}`);
  if (settings.json) console.log(JSON.stringify(results));
}

try {
  await main();
} catch (error) {
  if (!wasInterrupted()) {
    console.error(error);
    process.exitCode = 1;
  }
} finally {
  // After a signal, its handler drops the databases and exits.
  if (!wasInterrupted()) await cleanUp();
}
