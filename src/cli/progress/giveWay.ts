/** What happens around a write that is not the bar's own. */
export interface WriteHooks {
  /** Before it: take the bar off its line. */
  before(): void;
  /** After it; `endsLine`: the cursor is at the start of a line again, where the bar can be drawn. */
  after(endsLine: boolean): void;
}

type Write = NodeJS.WriteStream["write"];

function endsWithNewline(chunk: unknown): boolean {
  if (typeof chunk === "string") return chunk.endsWith("\n");
  return chunk instanceof Uint8Array && chunk.length > 0 && chunk[chunk.length - 1] === 0x0a;
}

/**
 * While a bar is on screen, every other write to these streams gives way to it: authdb's own lines (which
 * go to stdout or stderr), but also a migration's console.log or a Node warning, which authdb does not
 * write. So nothing lands in the middle of a half-drawn bar. The bar itself writes through the original
 * `write`, which it keeps. Returns the undo.
 */
export function giveWayToWrites(streams: NodeJS.WriteStream[], hooks: WriteHooks): () => void {
  const undo = streams.map((stream) => {
    const original = stream.write;
    const patched = function (this: NodeJS.WriteStream, ...args: Parameters<Write>): boolean {
      hooks.before();
      const written = (original as (...a: Parameters<Write>) => boolean).apply(this, args);
      hooks.after(endsWithNewline(args[0]));
      return written;
    } as Write;
    stream.write = patched;
    return () => {
      // Someone who wrapped write after us keeps their wrapper (and ours, which then only passes through).
      if (stream.write === patched) stream.write = original;
    };
  });
  return () => undo.forEach((restore) => restore());
}
