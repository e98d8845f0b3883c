import { performance } from "node:perf_hooks";
import { redactUrl } from "../database/databaseUrl";
// Types only: zod defines the shapes (and generates schemas/), but is never loaded to print a document.
import type { CommandData, CommandName } from "./jsonSchemas";

/** Kept equal to JSON_SCHEMA_VERSION in jsonSchemas/envelope.ts (json-output.test.ts checks it) without loading zod. */
export const SCHEMA_VERSION = 1;

export interface JsonError {
  type: string;
  message: string;
  hint: string | null;
  exitCode: number;
}

/** The one --json document of a run: schemas/envelope.json, with schemas/<command>.json for `data`. */
export interface JsonEnvelope {
  schemaVersion: typeof SCHEMA_VERSION;
  ok: boolean;
  command: string;
  database: string | null;
  durationMs: number;
  data: unknown;
  error: JsonError | null;
}

/**
 * One command runs per process, and its document is written once, when it ends: what the envelope needs
 * is gathered here as the command goes (its name and start, the database it chose, its data), so a
 * command passes only its data, and a failure after the data still yields one document holding both.
 */
const run = {
  command: null as string | null,
  startedAt: performance.now(),
  database: null as string | null,
  data: null as unknown,
  written: false,
};

/** The command's action begins: durationMs counts from here. */
export function commandStarted(command: string): void {
  run.command = command;
  run.startedAt = performance.now();
}

/** The command chose its database: the document names it with the password masked. */
export function databaseChosen(url: string): void {
  run.database = redactUrl(url);
}

/** The command's result (typed by its zod schema in jsonSchemas/), for the document written at the end. */
export function resultReady<C extends CommandName>(command: C, data: CommandData[C]): void {
  run.command ??= command;
  run.data = data;
}

/** The command a failure belongs to, when it failed before its action began (a bad option). */
export function commandNamed(command: string): void {
  run.command ??= command;
}

/**
 * The document for a run that ended with `exitCode`, or null when one was written already or no command
 * ran (`authdb --json`, an unknown command): stdout carries at most one document per process.
 */
export function takeEnvelope(exitCode: number, error: JsonError | null): JsonEnvelope | null {
  if (run.written || run.command === null) return null;
  run.written = true;
  const failure = exitCode === 0 ? null : (error ?? { type: "AuthdbError", message: `exited with code ${exitCode}`, hint: null, exitCode });
  return {
    schemaVersion: SCHEMA_VERSION,
    ok: failure === null,
    command: run.command,
    database: run.database,
    durationMs: Math.round(performance.now() - run.startedAt),
    data: run.data ?? null,
    error: failure,
  };
}
