export {
  createRetentionSweeper,
  type RetentionOptions,
  type RetentionSweeper,
  type SweepResult,
} from "./sweeper.js";
export type { Pruner } from "./types.js";
