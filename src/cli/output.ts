import { createColors } from "picocolors";
import type { CommanderError } from "commander";
import { AuthdbError } from "../errors";
import { resultReady, takeEnvelope, type JsonEnvelope, type JsonError } from "./jsonEnvelope";
import type { CommandData, CommandName } from "./jsonSchemas";
import { writeJsonText } from "./jsonStdout";
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

  /**
   * The command's machine-readable result, its data only (schemas/<command>.json): with --json it goes into
   * the one document written when the command ends (jsonEnvelope.ts), with a failure that follows it.
   */
  result<C extends CommandName>(command: C, data: CommandData[C]): void {
    if (this.json) resultReady(command, data);
  }

  /** The command ended with `exitCode` and no error to print: with --json, its document. */
  finish(exitCode: number): void {
    if (this.json) this.writeDocument(takeEnvelope(exitCode, null));
  }

  /** A user-facing failure: message and hint, no stack trace. */
  failure(error: AuthdbError): void {
    const c = this.errColors;
    this.writeForeign(this.err, `${c.red(c.bold("Error:"))} ${error.message}\n`);
    if (error.hint) this.writeForeign(this.err, `${c.dim("Hint:")} ${error.hint}\n`);
    this.failureDocument({ type: error.name, message: error.message, hint: error.hint ?? null, exitCode: error.exitCode });
  }

  /** A mistake in the command line: the argument parser printed it on stderr already; --json still gets its document. */
  usageError(error: CommanderError, exitCode: number): void {
    const message = error.message.replace(/^error: /, "");
    this.failureDocument({ type: "UsageError", message, hint: "Run the command with --help for its options.", exitCode });
  }

  /** A bug: the stack helps us, so it is printed. */
  crash(error: unknown): void {
    const c = this.errColors;
    this.writeForeign(this.err, `${c.red(c.bold("Unexpected error"))} (please report it with the output below):\n${error instanceof Error ? error.stack : String(error)}\n`);
    const message = error instanceof Error ? error.message : String(error);
    this.failureDocument({ type: "UnexpectedError", message, hint: "This is a bug in authdb: please report it with the stack trace printed on stderr.", exitCode: 1 });
  }

  /** Error text may carry what authdb did not write (a driver's message): known passwords are masked in it. */
  private failureDocument(error: JsonError): void {
    if (!this.json) return;
    this.writeDocument(takeEnvelope(error.exitCode, { ...error, message: scrubSecrets(error.message), hint: error.hint === null ? null : scrubSecrets(error.hint) }));
  }

  /** stdout carries at most one document per process: takeEnvelope gives null after the first. */
  private writeDocument(envelope: JsonEnvelope | null): void {
    if (envelope) writeJsonText(this.out, `${JSON.stringify(envelope, null, 2)}\n`);
  }
}
