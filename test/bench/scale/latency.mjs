// Latency of one adapter call at one caller: each call waits for the previous one, on random existing
// users, so every call is a real lookup that finds its row (a miss would be cheaper than a hit).
import { performance } from "node:perf_hooks";
import { userKeys } from "./load.mjs";

export const CALLS = {
  getSessionAndUser: (adapter, keys) => adapter.getSessionAndUser(keys.sessionToken),
  getUserByAccount: (adapter, keys) => adapter.getUserByAccount({ provider: keys.provider, providerAccountId: keys.providerAccountId }),
};

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** p50 and p99 in milliseconds of `calls` calls of `name`, after a warm-up of a tenth as many (at least 200). */
export async function measureLatency(adapter, name, users, calls) {
  const call = CALLS[name];
  const randomUser = () => userKeys(1 + Math.floor(Math.random() * users));
  const check = (found) => {
    if (!found) throw new Error(`${name} found nothing for an existing user`);
  };
  for (let i = 0; i < Math.max(200, calls / 10); i++) check(await call(adapter, randomUser()));
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const keys = randomUser();
    const started = performance.now();
    const found = await call(adapter, keys);
    times[i] = performance.now() - started;
    check(found);
  }
  times.sort();
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}
