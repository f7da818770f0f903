import { z } from "zod";
import type { Job } from "../../../platform/queue/index.js";
import { ActionFailure } from "../providers/types.js";
import { startBuildAction } from "./build-actions.js";
import { startCommandsAction } from "./commands-action.js";
import { startDeployAction } from "./deploy-actions.js";
import { findAction, finishAction, type ActionOutcome } from "./finish-action.js";
import { findExecution, inputOf, type ActionRow } from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";

/**
 * Running actions: the `codepipeline.action` job runs a provider (or starts a build) for one
 * action execution, and whatever ends an action — the provider returning, a build's state change,
 * an approval, its timeout — goes through `finishAction`, which records the outcome once and wakes
 * the engine.
 */

const ActionPayload = z.object({ actionExecutionId: z.string() });

export { finishAction, type ActionOutcome } from "./finish-action.js";
export { createBuildStateHandler } from "./build-actions.js";
export { createDeploymentStateHandler, isDeploymentEnd } from "./deploy-actions.js";

/** The `codepipeline.action` job: runs one action execution. */
export function createActionHandler(rt: ExecutionRuntime) {
  return async (job: Job, signal: AbortSignal): Promise<void> => {
    const { actionExecutionId } = ActionPayload.parse(job.payload);
    const row = await findAction(rt.store.db, actionExecutionId);
    if (!row || row.status !== "InProgress") return;
    const [category, owner, provider] = row.action_type.split("/");
    if ((category === "Build" || category === "Test") && owner === "AWS" && provider === "CodeBuild") {
      await startBuildAction(rt, row);
      return;
    }
    if (category === "Deploy" && owner === "AWS" && provider === "CodeDeploy") {
      await startDeployAction(rt, row);
      return;
    }
    if (category === "Compute" && owner === "AWS" && provider === "Commands") {
      await startCommandsAction(rt, row);
      return;
    }
    const outcome = await runProvider(rt, row, signal);
    await rt.store.transaction((trx) => finishAction(rt, trx, actionExecutionId, outcome));
  };
}

/** Runs a provider that finishes within its job; its failure, or a crash of it, fails the action. */
async function runProvider(
  rt: ExecutionRuntime,
  row: ActionRow,
  signal: AbortSignal,
): Promise<ActionOutcome> {
  const provider = rt.providers[row.action_type];
  if (!provider) {
    return {
      status: "Failed",
      code: "ConfigurationError",
      message: `Action type ${row.action_type} is not available on this server.`,
    };
  }
  const input = inputOf(row);
  const execution = await findExecution(rt.store.db, row.execution_id);
  const overrides = JSON.parse(execution?.source_revisions ?? "[]") as Array<{
    actionName: string;
    revisionValue: string;
  }>;
  const sourceRevision = overrides.find((o) => o.actionName === row.action_name)?.revisionValue;
  try {
    const result = await provider.run({
      accountId: row.account_id,
      region: input.region,
      pipelineName: row.pipeline_name,
      executionId: row.execution_id,
      actionExecutionId: row.action_execution_id,
      stageName: row.stage_name,
      actionName: row.action_name,
      configuration: input.resolvedConfiguration,
      inputArtifacts: input.inputArtifacts,
      outputArtifacts: input.outputArtifacts,
      ...(sourceRevision !== undefined ? { sourceRevision } : {}),
      signal,
    });
    return { status: "Succeeded", result };
  } catch (e) {
    if (e instanceof ActionFailure) return { status: "Failed", code: e.code, message: e.message };
    rt.logger.error(
      { actionExecutionId: row.action_execution_id, err: e },
      "codepipeline action failed unexpectedly",
    );
    return {
      status: "Failed",
      code: "SystemUnavailable",
      message: "The action failed on this server; its log says why.",
    };
  }
}
