import type { ModelName } from "../schema";

/** The tables whose rows expire: Auth.js never reads an expired session or token again, so they can go. */
export const PRUNABLE_MODELS = ["Session", "VerificationToken"] as const satisfies readonly ModelName[];
export type PrunableModel = (typeof PRUNABLE_MODELS)[number];

/** Rows per DELETE when none is given: large enough to finish millions in minutes, small enough for milliseconds per statement. */
export const DEFAULT_BATCH_SIZE = 5000;

/** What prune reports while it works; the CLI prints these, a scheduler may log or meter them. */
export type PruneEvent =
  /**
   * Before the first batch, with `countFirst` (not in a dry run; it costs one COUNT per table):
   * the expired rows about to be removed, per table and in all. An estimate: rows expire and sign-ins take
   * rows meanwhile. The CLI's progress bar uses it as its total.
   */
  | { type: "pruning"; tables: Record<PrunableModel, number>; rows: number }
  /** One DELETE statement removed `rows` rows (never sent for a dry run, nor for a statement that removed none). */
  | { type: "batch"; model: PrunableModel; table: string; batch: number; rows: number; totalRows: number; durationMs: number }
  /** A table is done: `rows` removed (dry run: counted) in `batches` statements. */
  | { type: "table"; model: PrunableModel; table: string; rows: number; batches: number; durationMs: number; dryRun: boolean };

export type PruneListener = (event: PruneEvent) => void;

export interface PruneOptions {
  /** Rows per DELETE statement, each its own short transaction; a whole number of at least 1. Default 5000. */
  batchSize?: number;
  /** Count the expired rows and the batches it would take; delete nothing. */
  dryRun?: boolean;
  /** Rows whose `expires` is before this instant are expired. Default: when prune starts. */
  now?: Date;
  /**
   * Count the expired rows before deleting and report them in a `pruning` event (a progress bar's total).
   * Default false: a scheduled prune should not pay a COUNT per table that nobody reads.
   */
  countFirst?: boolean;
  /** Called before the first batch (with countFirst), after each batch and after each table. A listener that throws stops the prune; what was deleted stays deleted. */
  onEvent?: PruneListener;
}

export interface PruneTableResult {
  model: PrunableModel;
  /** The table as configured (`config.tables`), without schema. */
  table: string;
  /** Rows removed (dry run: rows that would be removed). */
  rows: number;
  /** DELETE statements that removed rows (dry run: that it would take). */
  batches: number;
  durationMs: number;
}

export interface PruneResult {
  dryRun: boolean;
  /** The cutoff: rows with `expires` before it were removed (or counted). */
  now: Date;
  batchSize: number;
  tables: Record<PrunableModel, PruneTableResult>;
  /** Totals over both tables. */
  rows: number;
  batches: number;
  durationMs: number;
}
