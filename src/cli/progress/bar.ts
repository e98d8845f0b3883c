import type { SingleBar } from "cli-progress";

/** Redraws on a change at most this often; cli-progress's own timer redraws the elapsed time 10 times a second. */
const MIN_REDRAW_MS = 40;

/**
 * The bar on the terminal, drawn by cli-progress, which is loaded here, when a bar is first shown: the
 * CLI's start-up does not pay for it. Shown and hidden as a whole: hide() clears its line and leaves the
 * cursor at the start of it, so a line written next takes its place. The cursor and line wrapping are left
 * alone (nothing to restore after Ctrl-C); cli-progress cuts the line at the terminal's width instead.
 */
export class TerminalBar {
  private readonly bar: SingleBar;
  private visible = false;
  private lastDraw = 0;

  /** `stream.write` is taken now, before giveWayToWrites wraps it: the bar's own writes must not give way to themselves. */
  constructor(stream: NodeJS.WriteStream, line: (bar: (fraction: number) => string) => string) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cliProgress = require("cli-progress") as typeof import("cli-progress");
    const write = stream.write.bind(stream) as (data: string) => boolean;
    const terminal = {
      isTTY: true,
      get columns() {
        return stream.columns;
      },
      write,
    };
    // cli-progress redraws on a timer that keeps Node's event loop alive; authdb relies on the loop running
    // empty to report a promise that never settles (main.ts), so the timer must not hold it.
    class UnrefBar extends cliProgress.SingleBar {
      override render(): void {
        super.render();
        (this as unknown as { timer: NodeJS.Timeout | null }).timer?.unref();
      }
    }
    this.bar = new UnrefBar({
      stream: terminal as unknown as NodeJS.WritableStream,
      format: (options) => line((fraction) => cliProgress.Format.BarFormat(fraction, options)),
      barsize: 20,
      barCompleteChar: "\u2588",
      barIncompleteChar: "\u2591",
      hideCursor: false,
      linewrap: true,
      clearOnComplete: true,
      synchronousUpdate: false,
      fps: 10,
    });
  }

  get shown(): boolean {
    return this.visible;
  }

  show(): void {
    if (this.visible) return;
    this.visible = true;
    // The line comes from the caller's state: cli-progress's own value and total are not used.
    this.bar.start(1, 0);
    this.lastDraw = Date.now();
  }

  /**
   * After a change: redraw now, unless it was just drawn and `now` is not asked for (a count that changes
   * with every batch; the timer shows it within 100 ms). A new step is drawn at once: it may be short.
   */
  refresh(now = false): void {
    if (!this.visible || (!now && Date.now() - this.lastDraw < MIN_REDRAW_MS)) return;
    this.bar.render();
    this.lastDraw = Date.now();
  }

  hide(): void {
    if (!this.visible) return;
    this.visible = false;
    this.bar.stop();
  }
}
