import type { RowCheck } from "./analyzeLayout";

/**
 * What baseline reports while it works, the way the migrator reports its runs: the CLI draws its progress
 * bar from these. Reading the tables is quick; the row checks read whole tables (a GROUP BY or a COUNT
 * each), which is what takes long on a large database.
 */
export type BaselineEvent =
  /** Reading what is there: the migration history, then the tables. */
  | { type: "reading"; what: "history" | "tables" }
  /** One row check starts; `index` counts from 0 of `total`, `description` says it in words. */
  | { type: "checking-rows"; check: RowCheck; index: number; total: number; description: string }
  /** That check is done: `count` rows (or groups of duplicates) would not survive the change. */
  | { type: "checked-rows"; check: RowCheck; index: number; total: number; count: number; durationMs: number }
  /** Applying the plan, under the migration lock: writing the files, then recording the migrations. */
  | { type: "recording"; files: number; migrations: number };

export type BaselineListener = (event: BaselineEvent) => void;
