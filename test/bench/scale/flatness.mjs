// The same lookups on a small and a large database, in interleaved rounds (small, large, small, large…)
// so that a checkpoint or a busy neighbour on this shared machine hits both sizes alike; each cell is
// the median over the rounds of that round's p50 (and p99).
import { CALLS, measureLatency } from "./latency.mjs";

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * subjects: [{ users, adapter }, …]. Returns { [call]: [{ p50, p99 } per subject] } in milliseconds.
 * `onRound(round, { [call]: [p50 per subject] })` is told each round's figures, for progress output.
 */
export async function measureFlatness(subjects, { rounds, calls, onRound = () => {} }) {
  const samples = Object.fromEntries(Object.keys(CALLS).map((name) => [name, subjects.map(() => [])]));
  for (let round = 1; round <= rounds; round++) {
    for (const name of Object.keys(CALLS)) {
      for (const [i, { users, adapter }] of subjects.entries()) samples[name][i].push(await measureLatency(adapter, name, users, calls));
    }
    onRound(round, Object.fromEntries(Object.entries(samples).map(([name, perSubject]) => [name, perSubject.map((s) => s.at(-1).p50)])));
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, perSubject]) => [
      name,
      perSubject.map((s) => ({ p50: median(s.map((x) => x.p50)), p99: median(s.map((x) => x.p99)) })),
    ]),
  );
}
