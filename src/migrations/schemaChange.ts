import type { ColumnSpec, IndexSpec, TableSpec } from "../schema";

/**
 * One step from one schema to the next. Every step renders to `up` statements and the `down`
 * statements that undo it (src/migrations/renderChangeMigration.ts); generate and baseline both
 * produce them, so a follow-up migration looks the same whoever planned it.
 */
export type SchemaChange =
  | { kind: "create-table"; table: TableSpec }
  | { kind: "drop-table"; table: TableSpec }
  | { kind: "rename-table"; from: string; to: string }
  | { kind: "add-column"; table: string; column: ColumnSpec }
  | { kind: "remove-column"; table: string; column: ColumnSpec }
  /**
   * `tableAfter`: the table as it is once its columns changed, with only the indexes it has at that point
   * (not those the migration adds later). SQLite cannot alter a column, so there the table is rebuilt from
   * it (rows copied, indexes re-created); the other dialects alter the column in place.
   */
  | { kind: "change-column"; table: string; from: ColumnSpec; to: ColumnSpec; tableAfter: TableSpec }
  | { kind: "rename-column"; table: string; from: ColumnSpec; to: ColumnSpec }
  /** `concurrently`: PostgreSQL builds it without blocking writes (the migration runs outside a transaction). */
  | { kind: "add-index"; table: string; index: IndexSpec; concurrently?: boolean }
  | { kind: "remove-index"; table: string; index: IndexSpec }
  /** Same columns, new name (after its table or column was renamed): no rebuild where the dialect can rename. */
  | { kind: "rename-index"; table: string; from: IndexSpec; to: IndexSpec }
  /**
   * MySQL and MariaDB: every text column of the table (and its default for new ones) takes a NO PAD binary
   * utf8mb4 collation, so keys and comparisons are exact as on PostgreSQL and SQLite, where it does nothing.
   */
  | { kind: "exact-text"; table: string };

export type SchemaChangeKind = SchemaChange["kind"];
