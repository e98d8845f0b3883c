import type { PruneEvent } from "../../prune";
import type { Progress } from "../progress";

/**
 * Rows removed over both tables, of the expired rows prune counted before its first batch (its "pruning"
 * event), and the table being pruned now.
 */
export function trackPrune(progress: Progress): (event: PruneEvent) => void {
  let finishedTables = 0;
  return (event) => {
    switch (event.type) {
      case "pruning":
        progress.setTotal(event.rows);
        break;
      case "batch":
        if (event.batch === 1) progress.working(event.table);
        progress.update(finishedTables + event.totalRows);
        break;
      case "table":
        finishedTables += event.rows;
        progress.working(undefined);
        progress.update(finishedTables);
        break;
    }
  };
}
