// One cell: a workload on one contender with N callers, bounded by an iteration count and a time cap.
import { performance } from "node:perf_hooks";

/** The value below which `fraction` of the sorted samples lie (nearest rank). */
function percentile(sorted, fraction) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs `call(person)` up to `iterations` times, `callers` at once, cycling through `persons`, and stops
 * early at `maxSeconds`. Returns calls per second and the p50/p99 latency of one call, in ms.
 */
export async function measure(call, persons, { callers, iterations, maxSeconds }) {
  const latencies = new Float64Array(iterations);
  let next = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < iterations && performance.now() < deadline) {
        const i = next++;
        const t0 = performance.now();
        await call(persons[i % persons.length]);
        latencies[done++] = performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.subarray(0, done).sort();
  return { opsPerSecond: done / seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), calls: done, seconds, capped: done < iterations };
}

/** The cell's result over rounds: the median of each figure on its own. */
export function medianOfRounds(samples) {
  return {
    opsPerSecond: median(samples.map((s) => s.opsPerSecond)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    calls: samples.reduce((sum, s) => sum + s.calls, 0),
    capped: samples.some((s) => s.capped),
    rounds: samples.map((s) => ({ opsPerSecond: s.opsPerSecond, p50: s.p50, p99: s.p99 })),
  };
}
