import { createColors } from "picocolors";
import { AuthdbError } from "../errors";
import { scrubSecrets } from "./secrets";

export interface OutputOptions {
  json?: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
}

/** Colours only on a TTY, never with NO_COLOR (https://no-color.org) or TERM=dumb; FORCE_COLOR wins. */
export function colorsEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  if ("NO_COLOR" in env && env.NO_COLOR !== "") return false;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** stdout carries one JSON document per process: a failure after the result must not add a second. */
let documentWritten = false;

/**
 * Where a command speaks. Human lines go to stdout; with --json they go to stderr, and stdout carries
 * exactly one JSON document, so `authdb status --json | jq` always parses.
 */
export class Output {
  readonly json: boolean;
  private readonly out: NodeJS.WriteStream;
  private readonly err: NodeJS.WriteStream;
  readonly c: ReturnType<typeof createColors>;
  private readonly errColors: ReturnType<typeof createColors>;

  constructor(options: OutputOptions = {}) {
    this.json = options.json ?? false;
    this.out = options.stdout ?? process.stdout;
    this.err = options.stderr ?? process.stderr;
    const env = options.env ?? process.env;
    const human = this.json ? this.err : this.out;
    this.c = createColors(colorsEnabled(human, env));
    this.errColors = createColors(colorsEnabled(this.err, env));
  }

  /**
   * Errors and warnings carry text authdb did not write (a driver's message may echo part of a URL), so a
   * known password is masked there. Not in results: a password that is also a word ("name") would corrupt them.
   */
  private writeForeign(stream: NodeJS.WriteStream, text: string): void {
    stream.write(scrubSecrets(text));
  }

  /** A line of human output. */
  line(text = ""): void {
    (this.json ? this.err : this.out).write(`${text}\n`);
  }

  success(text: string, ms?: number): void {
    this.line(`${this.c.green("✔")} ${text}${ms === undefined ? "" : this.c.dim(`  ${formatDuration(ms)}`)}`);
  }

  warn(text: string): void {
    this.writeForeign(this.err, `${this.errColors.yellow("warning")} ${text}\n`);
  }

  next(text: string): void {
    this.line(`${this.c.dim("Next:")} ${text}`);
  }

  /** The machine-readable result: only with --json, only once. */
  result(data: unknown): void {
    if (!this.json) return;
    this.out.write(`${JSON.stringify(data, null, 2)}\n`);
    documentWritten = true;
  }

  /** A user-facing failure: message and hint, no stack trace. */
  failure(error: AuthdbError): void {
    const c = this.errColors;
    this.writeForeign(this.err, `${c.red(c.bold("Error:"))} ${error.message}\n`);
    if (error.hint) this.writeForeign(this.err, `${c.dim("Hint:")} ${error.hint}\n`);
    if (this.json && !documentWritten) this.writeForeign(this.out, `${JSON.stringify({ error: { type: error.name, message: error.message, hint: error.hint, exitCode: error.exitCode } }, null, 2)}\n`);
  }

  /** A bug: the stack helps us, so it is printed. */
  crash(error: unknown): void {
    const c = this.errColors;
    this.writeForeign(this.err, `${c.red(c.bold("Unexpected error"))} (please report it with the output below):\n${error instanceof Error ? error.stack : String(error)}\n`);
    const message = error instanceof Error ? error.message : String(error);
    if (this.json && !documentWritten) this.writeForeign(this.out, `${JSON.stringify({ error: { type: "UnexpectedError", message, exitCode: 1 } }, null, 2)}\n`);
  }
}
