/**
 * Whether a command may draw a progress bar: only for a person watching a terminal. The bar is drawn on
 * stderr, so stderr must be a terminal; never with --json (a program reads the output), in CI (`CI` set,
 * not `false`/`0`, read as deployEnvironment reads it: a log would keep every redraw) or with TERM=dumb (no
 * cursor control). NO_COLOR does not turn it off: it is about colour, and the bar has none.
 */
export function progressWanted(json: boolean, stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  if (json || !stream.isTTY) return false;
  if (env.TERM === "dumb") return false;
  return !(env.CI && !["false", "0"].includes(env.CI.toLowerCase()));
}
