/**
 * What the CLI is waiting on right now, in words. If the event loop runs empty before a command finished,
 * some promise (a migration's up(), a config's export) can never settle: the guard in main.ts names it.
 */
let current = "starting";

export function waitingOn(what: string): void {
  current = what;
}

export function currentActivity(): string {
  return current;
}
