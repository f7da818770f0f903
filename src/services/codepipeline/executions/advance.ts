import type { Kysely } from "kysely";
import { newUuid, randomKeyChars } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import { jobData, queueJob } from "../jobs/rows.js";
import { conditionFailureSummary, conditionsOf, conditionViews } from "./condition-rows.js";
import { abandonConditions, checkConditions, refuseEntry } from "./conditions.js";
import { emitActionEvent, emitPipelineEvent, emitStageEvent, type EventState } from "./events.js";
import {
  actionTypeKey,
  artifactBucket,
  type EngineAction,
  type EnginePipeline,
  type PipelineScope,
} from "./pipeline-source.js";
import { admit, nextStep, runOrderOf, type Step } from "./plan.js";
import {
  actionsOf,
  findExecution,
  producedBy,
  stagesOf,
  viewOf,
  type ActionInputDoc,
  type ArtifactLocation,
  type ComputeInputDoc,
  type ExecutionRow,
  rollbackOf,
  variableScope,
} from "./rows.js";
import { ACTION_JOB, type ExecutionRuntime } from "./runtime.js";
import { startActionTimer } from "./timeouts.js";
import { startRollback } from "./start.js";
import { enqueueAdvance } from "./wake.js";
import { computeInput } from "./compute-input.js";
import { substituteAll, UnresolvedVariableError } from "./variables.js";

/**
 * The engine: one job kind, `codepipeline.advance`, asks an execution for its next steps and takes
 * them, in one transaction under the pipeline's lock. Everything that changes an execution's state
 * from outside (an action ending, an approval, a stop, a transition enabled) records that change
 * and enqueues an advance in the same transaction, so the next step is never lost to a crash and
 * never taken twice.
 */

/** Steps one execution can take in one transaction before it yields to others. */
const MAX_STEPS = 500;

/** Takes every step an execution can take now. */
export async function advance(rt: ExecutionRuntime, executionId: string): Promise<void> {
  await rt.store.transaction(async (trx) => {
    const head = await findExecution(trx, executionId);
    if (!head) return;
    const scope = { accountId: head.account_id, region: head.region };
    await rt.pipelines.lock(trx, scope, head.pipeline_name);
    for (let i = 0; i < MAX_STEPS; i++) {
      const execution = (await findExecution(trx, executionId))!;
      const pipeline = await rt.pipelines.declaration(
        trx,
        scope,
        execution.pipeline_name,
        execution.pipeline_version,
      );
      if (!pipeline) {
        await endExecution(rt, trx, execution, "Failed", "The pipeline or its version no longer exists.");
        return;
      }
      const stages = await stagesOf(trx, executionId);
      const actions = await actionsOf(trx, executionId);
      const conditions = conditionViews(await conditionsOf(trx, executionId), stages, rt.clock.now());
      const view = { ...viewOf(execution, stages, actions), conditions };
      const step = nextStep(stagesToRun(execution, pipeline), view);
      if (step.type === "wait") return;
      const more = await take(rt, trx, scope, execution, pipeline, step);
      if (!more) return;
    }
    // A pipeline cannot need this many steps at once; yield and come back rather than hold the lock.
    await enqueueAdvance(rt, trx, executionId);
  });
}

/** Takes one step; false when the execution has to wait for something else. */
async function take(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  scope: PipelineScope,
  execution: ExecutionRow,
  pipeline: EnginePipeline,
  step: Exclude<Step, { type: "wait" }>,
): Promise<boolean> {
  const now = rt.clock.now();
  switch (step.type) {
    case "enter-stage": {
      await trx
        .updateTable("codepipeline_executions")
        .set({ waiting_for_stage: step.stage, updated_at: now })
        .where("execution_id", "=", execution.execution_id)
        .execute();
      const admitted = await admitWaiters(rt, trx, execution, pipeline, step.stage);
      return admitted.includes(execution.execution_id);
    }
    case "check-conditions": {
      const produced = producedBy([
        ...(await inheritedActions(trx, execution, pipeline)),
        ...(await actionsOf(trx, execution.execution_id)),
      ]);
      const variables = variableScope(execution, produced.variables);
      await checkConditions(
        rt,
        trx,
        execution,
        pipeline,
        step.stage,
        step.condition,
        variables,
        produced.artifacts,
      );
      return true;
    }
    case "refuse-entry":
      await refuseEntry(rt, trx, execution, pipeline, step.stage, step.status);
      return true;
    case "start-actions": {
      const stage = pipeline.stages.find((s) => s.name === step.stage)!;
      const stageRow = (await stagesOf(trx, execution.execution_id)).find(
        (s) => s.stage_name === step.stage,
      )!;
      const produced = producedBy([
        ...(await inheritedActions(trx, execution, pipeline)),
        ...(await actionsOf(trx, execution.execution_id)),
      ]);
      for (const name of step.actions) {
        const action = stage.actions.find((a) => a.name === name)!;
        await startAction(
          rt,
          trx,
          scope,
          execution,
          pipeline,
          step.stage,
          stageRow.attempt,
          action,
          produced,
        );
      }
      return true;
    }
    case "end-stage": {
      if (step.result === "RETRY" && (await retryOnFailure(rt, trx, execution, pipeline, step.stage)))
        return true;
      await trx
        .updateTable("codepipeline_stage_executions")
        .set({ status: step.status, updated_at: now })
        .where("execution_id", "=", execution.execution_id)
        .where("stage_name", "=", step.stage)
        .execute();
      await emitStageEvent(rt.bus, trx, execution, step.stage, eventState(step.status));
      if (step.result === "ROLLBACK") await rollBackOnFailure(rt, trx, execution, step.stage);
      // The stage is free: whoever waits to enter it may.
      await admitWaiters(rt, trx, execution, pipeline, step.stage);
      return true;
    }
    case "end-execution": {
      const summary =
        step.status === "Failed"
          ? await failureSummary(trx, execution.execution_id)
          : (execution.status_summary ?? null);
      await endExecution(rt, trx, execution, step.status, summary);
      return false;
    }
  }
}

function eventState(status: string): EventState {
  switch (status) {
    case "Succeeded":
      return "SUCCEEDED";
    case "Failed":
      return "FAILED";
    case "Stopped":
      return "STOPPED";
    case "Superseded":
      return "SUPERSEDED";
    case "Cancelled":
      return "CANCELED";
    default:
      return "STARTED";
  }
}

/** What made an execution fail, for `statusSummary`: an unmet condition, or its failed action. */
async function failureSummary(trx: Kysely<Database>, executionId: string): Promise<string | null> {
  const condition = await conditionFailureSummary(trx, executionId);
  if (condition) return condition;
  const failed = (await actionsOf(trx, executionId)).filter((a) => a.status === "Failed").pop();
  if (!failed) return null;
  return `Stage "${failed.stage_name}", action "${failed.action_name}" failed: ${failed.error_message ?? "no details"}`;
}

/** Ends an execution and tells the bus. */
export async function endExecution(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  execution: ExecutionRow,
  status: "Succeeded" | "Failed" | "Stopped" | "Superseded" | "Cancelled",
  summary: string | null,
): Promise<void> {
  await trx
    .updateTable("codepipeline_executions")
    .set({ status, status_summary: summary, waiting_for_stage: null, updated_at: rt.clock.now() })
    .where("execution_id", "=", execution.execution_id)
    .execute();
  await abandonConditions(rt, trx, execution.execution_id, rt.clock.now());
  await emitPipelineEvent(rt.bus, trx, { ...execution, status }, eventState(status));
}

/**
 * Lets executions waiting at `stage` in: by the pipeline's execution mode, whether the stage is
 * held by another execution, and whether its inbound transition is enabled. Returns those admitted;
 * others than `self` are woken.
 */
async function admitWaiters(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  self: ExecutionRow,
  pipeline: EnginePipeline,
  stage: string,
): Promise<string[]> {
  const pipelineKey = (q: "codepipeline_executions" | "codepipeline_stage_executions") =>
    trx
      .selectFrom(q)
      .where("account_id", "=", self.account_id)
      .where("region", "=", self.region)
      .where("pipeline_name", "=", self.pipeline_name);
  const waiters = await pipelineKey("codepipeline_executions")
    .selectAll()
    .where("status", "=", "InProgress")
    .where("waiting_for_stage", "=", stage)
    .execute();
  if (waiters.length === 0) return [];
  const held = await pipelineKey("codepipeline_stage_executions")
    .select("execution_id")
    .where("stage_name", "=", stage)
    .where("status", "in", ["InProgress", "Stopping"])
    .executeTakeFirst();
  const transition = await trx
    .selectFrom("codepipeline_transitions")
    .select("enabled")
    .where("account_id", "=", self.account_id)
    .where("region", "=", self.region)
    .where("pipeline_name", "=", self.pipeline_name)
    .where("stage_name", "=", stage)
    .executeTakeFirst();
  const mode = (self.execution_mode as "SUPERSEDED" | "QUEUED" | "PARALLEL") ?? "SUPERSEDED";
  const decision = admit(
    mode,
    waiters.map((w) => ({ executionId: w.execution_id, order: Number(w.ordinal) })),
    held !== undefined,
    transition?.enabled !== 0,
  );
  const now = rt.clock.now();
  for (const id of decision.supersede) {
    const waiter = waiters.find((w) => w.execution_id === id)!;
    await endExecution(
      rt,
      trx,
      waiter,
      "Superseded",
      `A newer execution reached stage "${stage}" while this one waited to enter it.`,
    );
  }
  const stageIndex = pipeline.stages.findIndex((s) => s.name === stage);
  for (const id of decision.admit) {
    const waiter = waiters.find((w) => w.execution_id === id)!;
    await trx
      .insertInto("codepipeline_stage_executions")
      .values({
        execution_id: id,
        account_id: waiter.account_id,
        region: waiter.region,
        pipeline_name: waiter.pipeline_name,
        stage_name: stage,
        stage_index: stageIndex,
        status: "InProgress",
        attempt: 1,
        retry_mode: null,
        auto_retries: 0,
        manual_retries: 0,
        started_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .updateTable("codepipeline_executions")
      .set({ waiting_for_stage: null, updated_at: now })
      .where("execution_id", "=", id)
      .execute();
    await emitStageEvent(rt.bus, trx, waiter, stage, "STARTED");
    if (id !== self.execution_id) await enqueueAdvance(rt, trx, id);
  }
  return [...decision.admit];
}

/** Where an output artifact goes: `<pipeline>/<artifact>/<random>` in the artifact bucket, as on AWS. */
function outputKey(pipelineName: string, artifactName: string): string {
  return `${pipelineName.slice(0, 20)}/${artifactName.slice(0, 10)}/${randomKeyChars(7)}`;
}

/** Records an action execution and sets its work going (a job, or an approval's timer). */
async function startAction(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  scope: PipelineScope,
  execution: ExecutionRow,
  pipeline: EnginePipeline,
  stageName: string,
  stageAttempt: number,
  action: EngineAction,
  produced: ReturnType<typeof producedBy>,
): Promise<void> {
  const now = rt.clock.now();
  const id = newUuid();
  const where = `Stage "${stageName}", action "${action.name}"`;
  const region = action.region ?? scope.region;
  const bucket = artifactBucket(pipeline, region);
  let problem: { code: string; message: string } | undefined;
  let resolved: Record<string, string> = {};
  let compute: ComputeInputDoc | undefined;
  try {
    const variables = variableScope(execution, produced.variables);
    resolved = substituteAll(action.configuration ?? {}, variables, where);
    compute = computeInput(action, variables, where);
  } catch (e) {
    if (!(e instanceof UnresolvedVariableError)) throw e;
    problem = { code: "ConfigurationError", message: e.message };
  }
  const inputs: ArtifactLocation[] = [];
  for (const artifact of action.inputArtifacts ?? []) {
    const found = produced.artifacts.get(artifact.name);
    if (found) inputs.push({ ...found, name: artifact.name });
    else
      problem ??= {
        code: "JobFailed",
        message: `${where}: input artifact "${artifact.name}" was not produced in this execution.`,
      };
  }
  if (!bucket)
    problem ??= {
      code: "ConfigurationError",
      message: `${where}: the pipeline has no artifact store in ${region}.`,
    };
  const input: ActionInputDoc = {
    actionTypeId: { ...action.actionTypeId },
    configuration: { ...(action.configuration ?? {}) },
    resolvedConfiguration: resolved,
    region,
    ...(action.namespace ? { namespace: action.namespace } : {}),
    inputArtifacts: inputs,
    outputArtifacts: (action.outputArtifacts ?? []).map((a) => ({
      name: a.name,
      bucket: bucket ?? "",
      key: outputKey(pipeline.name, a.name),
    })),
    ...(compute ? { compute } : {}),
  };
  const approval = actionTypeKey(action) === "Approval/AWS/Manual/1";
  const row = {
    action_execution_id: id,
    execution_id: execution.execution_id,
    account_id: execution.account_id,
    region: execution.region,
    pipeline_name: execution.pipeline_name,
    pipeline_version: execution.pipeline_version,
    stage_name: stageName,
    action_name: action.name,
    stage_attempt: stageAttempt,
    run_order: runOrderOf(action),
    action_type: actionTypeKey(action),
    status: problem ? "Failed" : "InProgress",
    input: JSON.stringify(input),
    output: null,
    summary: null,
    error_code: problem?.code ?? null,
    error_message: problem?.message ?? null,
    external_execution_id: null,
    external_execution_url: null,
    token: approval && !problem ? newUuid() : null,
    started_at: now,
    updated_at: now,
  };
  await trx.insertInto("codepipeline_action_executions").values(row).execute();
  await emitActionEvent(rt.bus, trx, execution, row, input, "STARTED");
  if (problem) {
    await emitActionEvent(rt.bus, trx, execution, row, input, "FAILED");
    return;
  }
  await startActionTimer(rt, trx, action, id, now);
  if (action.actionTypeId.owner === "Custom") {
    // The account's own job workers run it: they find the job with PollForJobs.
    await queueJob(trx, row, jobData(execution, stageName, action.name, id, input), now);
  } else if (!approval) {
    await rt.queue.enqueue(trx, { kind: ACTION_JOB, payload: { actionExecutionId: id } });
  }
}

/** The stages an execution runs: all of them, or the one a ROLLBACK execution runs again. */
function stagesToRun(execution: ExecutionRow, pipeline: EnginePipeline) {
  const rollback = rollbackOf(execution);
  return rollback ? pipeline.stages.filter((s) => s.name === rollback.stageName) : pipeline.stages;
}

/**
 * A ROLLBACK execution's inputs: what its target execution's actions of the stages before the
 * rolled-back one produced (artifacts and output variables), as that execution left them.
 */
async function inheritedActions(trx: Kysely<Database>, execution: ExecutionRow, pipeline: EnginePipeline) {
  const rollback = rollbackOf(execution);
  if (!rollback) return [];
  const index = pipeline.stages.findIndex((s) => s.name === rollback.stageName);
  const earlier = new Set(pipeline.stages.slice(0, Math.max(index, 0)).map((s) => s.name));
  return (await actionsOf(trx, rollback.rollbackTargetPipelineExecutionId)).filter((a) =>
    earlier.has(a.stage_name),
  );
}

/** A stage's `onFailure` RETRY (as the planner decided): runs it again once, instead of failing. True when it did. */
async function retryOnFailure(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  execution: ExecutionRow,
  pipeline: EnginePipeline,
  stageName: string,
): Promise<boolean> {
  const onFailure = pipeline.stages.find((s) => s.name === stageName)?.onFailure;
  if (execution.status !== "InProgress") return false;
  const stage = (await stagesOf(trx, execution.execution_id)).find((s) => s.stage_name === stageName);
  if (!stage || stage.auto_retries >= 1) return false;
  await trx
    .updateTable("codepipeline_stage_executions")
    .set({
      attempt: stage.attempt + 1,
      retry_mode: onFailure?.retryConfiguration?.retryMode ?? "FAILED_ACTIONS",
      auto_retries: stage.auto_retries + 1,
      updated_at: rt.clock.now(),
    })
    .where("execution_id", "=", execution.execution_id)
    .where("stage_name", "=", stageName)
    .execute();
  await emitStageEvent(rt.bus, trx, execution, stageName, "RESUMED");
  return true;
}

/**
 * A ROLLBACK result (onFailure, or an unmet onSuccess condition, as the planner decided): once the
 * stage has failed, it runs again with what the last execution that succeeded in it carried (an
 * `AutomatedRollback` execution), if there is one.
 */
async function rollBackOnFailure(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  execution: ExecutionRow,
  stageName: string,
): Promise<void> {
  if (execution.execution_type === "ROLLBACK") return; // a failed rollback does not roll back again
  const target = await lastSucceededIn(trx, execution, stageName);
  if (!target) {
    rt.logger.info(
      { pipeline: execution.pipeline_name, stage: stageName },
      "codepipeline: nothing to roll back to",
    );
    return;
  }
  await startRollback(rt, trx, execution, stageName, target, {
    triggerType: "AutomatedRollback",
    triggerDetail: execution.execution_id,
  });
}

/** The newest execution of the same pipeline version that succeeded in `stageName`. */
export async function lastSucceededIn(
  trx: Kysely<Database>,
  like: { account_id: string; region: string; pipeline_name: string; pipeline_version: number },
  stageName: string,
): Promise<string | undefined> {
  const row = await trx
    .selectFrom("codepipeline_stage_executions as s")
    .innerJoin("codepipeline_executions as e", "e.execution_id", "s.execution_id")
    .select("e.execution_id")
    .where("e.account_id", "=", like.account_id)
    .where("e.region", "=", like.region)
    .where("e.pipeline_name", "=", like.pipeline_name)
    .where("e.pipeline_version", "=", like.pipeline_version)
    .where("s.stage_name", "=", stageName)
    .where("s.status", "=", "Succeeded")
    .orderBy("s.updated_at", "desc")
    .orderBy("e.ordinal", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.execution_id;
}
