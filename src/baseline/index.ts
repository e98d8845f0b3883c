export { planBaseline, BaselineBlockedError, LAYOUT_NAMES, type BaselinePlan, type PlannedFile, type PlannedRecord, type LayoutKind } from "./planBaseline";
export { applyBaseline, type ApplyOptions } from "./applyBaseline";
export type { RowProblem } from "./rowChecks";
export type { BaselineEvent, BaselineListener } from "./events";
