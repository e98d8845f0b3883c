/** What a progress bar shows: the work, how far it got, since when, and what runs now. */
export interface ProgressState {
  /** The work, as a verb: "Migrating", "Pruning". */
  title: string;
  /** What is counted, plural: "migrations", "rows". */
  unit: string;
  done: number;
  /** Undefined while unknown (or 0: nothing to count, e.g. only waiting for the lock): then no bar, only the count if any. */
  total?: number;
  /** What runs now, in a few words: "20261201093015-add-orders.js up()". */
  current?: string;
  startedAt: number;
}

const count = (n: number) => n.toLocaleString("en-US");

/** Seconds with one decimal while short, then minutes: it changes every tick, so the line shows it moves. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/**
 * The bar's line, e.g. `Migrating ████████░░░░░░░░░░░░ 12/30 migrations · 4.2 s · 2026…-add-orders.js up()`.
 * `bar` draws the filled part (cli-progress's own); the count comes first after it, so a narrow terminal
 * (cli-progress cuts the line at its width) loses the current step's name, not the count.
 */
export function progressLine(state: ProgressState, now: number, bar: (fraction: number) => string): string {
  const parts = [state.title];
  if (state.total) {
    parts.push(`${bar(Math.min(1, state.done / state.total))} ${count(state.done)}/${count(state.total)} ${state.unit}`);
  } else if (state.done > 0) {
    parts.push(`${count(state.done)} ${state.unit}`);
  }
  const tail = [formatElapsed(now - state.startedAt), state.current].filter(Boolean).join(" · ");
  return `${parts.join(" ")} · ${tail}`;
}
