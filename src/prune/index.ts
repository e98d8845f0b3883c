export { prune } from "./prune";
export { validatePruneOptions } from "./pruneOptions";
export {
  DEFAULT_BATCH_SIZE,
  PRUNABLE_MODELS,
  type PrunableModel,
  type PruneEvent,
  type PruneListener,
  type PruneOptions,
  type PruneResult,
  type PruneTableResult,
} from "./types";
