/** The execution operations, one file per group; service.ts registers them. */
export {
  getPipelineExecution,
  listPipelineExecutions,
  startPipelineExecution,
} from "./operations-executions.js";
export { getPipelineState, listActionExecutions } from "./operations-state.js";
export { putApprovalResult, stopPipelineExecution } from "./operations-control.js";
export {
  disableStageTransition,
  enableStageTransition,
  retryStageExecution,
  rollbackStage,
} from "./operations-stages.js";
