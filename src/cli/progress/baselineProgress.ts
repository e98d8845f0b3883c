import type { BaselineEvent } from "../../baseline";
import type { Progress } from "../progress";

/** Baseline's slow part is its row checks (each reads a whole table): the bar counts them and names the one running. */
export function trackBaseline(progress: Progress): (event: BaselineEvent) => void {
  return (event) => {
    switch (event.type) {
      case "reading":
        progress.working(event.what === "history" ? "reading the migration history" : "reading the tables");
        break;
      case "checking-rows":
        progress.setTotal(event.total);
        progress.update(event.index);
        progress.working(`checking rows: ${event.description}`);
        break;
      case "checked-rows":
        progress.advance();
        break;
      case "recording":
        progress.working(`writing ${event.files} file${event.files === 1 ? "" : "s"}, recording ${event.migrations} migration${event.migrations === 1 ? "" : "s"}`);
        break;
    }
  };
}
