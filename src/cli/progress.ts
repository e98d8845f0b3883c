import { performance } from "node:perf_hooks";
import type { Output } from "./output";
import type { TerminalBar } from "./progress/bar";
import { giveWayToWrites } from "./progress/giveWay";
import { progressLine, type ProgressState } from "./progress/line";
import { clearOnInterrupt } from "./progress/signals";
import { progressWanted } from "./progress/wanted";

/**
 * A run shorter than this shows no bar at all: a bar that flashes for a fraction of a second only
 * flickers. A count of steps is no better guide (30 small migrations on SQLite take 100 ms; one index
 * build takes minutes), so time alone decides.
 */
export const SHOW_AFTER_MS = 400;

export interface ProgressSpec {
  /** The work, as a verb: "Migrating". */
  title: string;
  /** What is counted, plural: "migrations". */
  unit: string;
  /** How many there are, when known beforehand. */
  total?: number;
}

/**
 * Progress of one long operation, fed by its events. On a terminal (progressWanted) and once the work has
 * run for SHOW_AFTER_MS, a bar on stderr shows it (count of total, elapsed time, what runs now); anywhere
 * else this only keeps count and prints nothing, so output without a terminal is exactly what it was.
 * While the bar is up, every other line takes its place and the bar comes back under it; stop() (also on
 * failure, Ctrl-C and SIGTERM) clears it, leaving no trace in the terminal.
 */
export class Progress {
  private readonly state: ProgressState;
  private showTimer?: NodeJS.Timeout;
  private redraw?: NodeJS.Immediate;
  private bar?: TerminalBar;
  private atLineStart = true;
  private undo: Array<() => void> = [];
  private stopped = false;

  constructor(spec: ProgressSpec, enabled: boolean) {
    this.state = { title: spec.title, unit: spec.unit, total: spec.total, done: 0, startedAt: performance.now() };
    if (!enabled) return;
    this.showTimer = setTimeout(() => this.show(), SHOW_AFTER_MS);
    // Waiting to show a bar is no reason for Node to stay alive.
    this.showTimer.unref();
  }

  /** The bar is on screen (or comes back after the line being written): it says what progress lines would. */
  get shown(): boolean {
    return this.bar !== undefined && !this.stopped;
  }

  setTotal(total: number | undefined): void {
    this.state.total = total;
    this.bar?.refresh();
  }

  /** How many are done so far. */
  update(done: number): void {
    this.state.done = done;
    this.bar?.refresh();
  }

  /** One more done; nothing is named as running until the next working(). */
  advance(): void {
    this.state.current = undefined;
    this.update(this.state.done + 1);
  }

  /** What runs now, in a few words. */
  working(current: string | undefined): void {
    this.state.current = current;
    this.bar?.refresh(current !== undefined);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.showTimer);
    if (this.redraw) clearImmediate(this.redraw);
    this.bar?.hide();
    for (const undo of this.undo.splice(0)) undo();
  }

  private show(): void {
    if (this.stopped) return;
    // Loaded only now: a run that ends before SHOW_AFTER_MS, or prints no bar, never loads cli-progress.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { TerminalBar } = require("./progress/bar") as typeof import("./progress/bar");
    const bar = new TerminalBar(process.stderr, (fill) => progressLine(this.state, performance.now(), fill));
    this.bar = bar;
    this.undo.push(
      giveWayToWrites([process.stdout, process.stderr], {
        before: () => bar.hide(),
        after: (endsLine) => {
          this.atLineStart = endsLine;
          // Lines often come in bursts (a list of differences): the bar comes back once, after them.
          if (endsLine && !this.redraw) this.redraw = setImmediate(() => this.comeBack()).unref();
        },
      }),
      clearOnInterrupt(() => this.stop()),
    );
    bar.show();
  }

  private comeBack(): void {
    this.redraw = undefined;
    if (!this.stopped && this.atLineStart) this.bar?.show();
  }
}

/**
 * Runs `body` with a Progress for the command's output, stopped when it ends, however it ends: a failure's
 * message never shares a line with the bar. No bar with --json.
 */
export async function withProgress<T>(output: Output, spec: ProgressSpec, body: (progress: Progress) => Promise<T>): Promise<T> {
  const progress = new Progress(spec, progressWanted(output.json));
  try {
    return await body(progress);
  } finally {
    progress.stop();
  }
}
