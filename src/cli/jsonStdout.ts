/**
 * With --json, stdout carries one JSON document and nothing else. Code authdb runs but did not write (a
 * migration's or a config's console.log, a library's print) would land ahead of it and break
 * `authdb migrate --json | jq`; while the document is pending, every other write to stdout goes to stderr.
 */
let writeDocumentText: ((text: string) => boolean) | null = null;

export function reserveStdoutForJson(): void {
  if (writeDocumentText) return;
  const stdout = process.stdout;
  const original = stdout.write;
  writeDocumentText = (text) => original.call(stdout, text);
  stdout.write = function toStderr(this: unknown, ...args: Parameters<typeof stdout.write>) {
    return (process.stderr.write as (...a: unknown[]) => boolean)(...args);
  } as typeof stdout.write;
}

/** Writes the JSON document: on process.stdout itself even while other writes are sent to stderr. */
export function writeJsonText(stream: NodeJS.WriteStream, text: string): void {
  if (stream === process.stdout && writeDocumentText) writeDocumentText(text);
  else stream.write(text);
}
