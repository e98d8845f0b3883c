import type { LockHolder } from "./lock";

/** What a run reports while it works; the CLI prints these, library users may listen. */
export type MigratorEvent =
  | { type: "lock-waiting"; holder: LockHolder | null }
  | { type: "lock-acquired"; waitedMs: number }
  | { type: "migrating" | "reverting"; name: string }
  | { type: "migrated" | "reverted"; name: string; durationMs: number }
  | { type: "warning"; message: string }
  | { type: "dry-run"; name: string; direction: "up" | "down"; statements: string[]; skipped?: string };

export type MigratorListener = (event: MigratorEvent) => void;
