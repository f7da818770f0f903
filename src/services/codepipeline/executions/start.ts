import type { Insertable, Kysely } from "kysely";
import { newUuid } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import { codepipelineError, pipelineNotFound } from "../errors.js";
import { enqueueAdvance } from "./wake.js";
import { emitPipelineEvent } from "./events.js";
import type { EnginePipeline, PipelineScope } from "./pipeline-source.js";
import { findExecution, type ExecutionRow, type RollbackMetadata } from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";

/** AWS's `SourceRevisionOverride`. */
export interface SourceRevisionOverride {
  actionName: string;
  revisionType: string;
  revisionValue: string;
}

export interface StartRequest {
  /** AWS's `ExecutionTrigger`. */
  trigger: { triggerType: string; triggerDetail: string };
  /** V2 pipeline variables given for this execution. */
  variables?: ReadonlyArray<{ name: string; value: string }> | undefined;
  sourceRevisions?: readonly SourceRevisionOverride[] | undefined;
  /** Starts at most one execution per pipeline: a client request token, or an event's id. */
  clientToken?: string | undefined;
}

/** The revision types a source provider takes. */
const REVISION_TYPES: Record<string, readonly string[]> = {
  CodeCommit: ["COMMIT_ID"],
  S3: ["S3_OBJECT_VERSION_ID", "S3_OBJECT_KEY"],
};

/** Pipeline variables resolved for one execution: given values, else declared defaults. */
function resolveVariables(
  pipeline: EnginePipeline,
  given: StartRequest["variables"],
): Array<{ name: string; resolvedValue: string }> {
  const declared = pipeline.variables ?? [];
  if (given?.length && pipeline.pipelineType !== "V2") {
    throw codepipelineError(
      "ValidationException",
      `Pipeline ${pipeline.name} is a V1 pipeline; only V2 pipelines take variables at StartPipelineExecution.`,
    );
  }
  const values = new Map<string, string>();
  for (const v of given ?? []) {
    if (!declared.some((d) => d.name === v.name)) {
      throw codepipelineError(
        "ValidationException",
        `Variable ${JSON.stringify(v.name)} is not declared in pipeline ${pipeline.name}` +
          (declared.length
            ? `; it declares ${declared.map((d) => d.name).join(", ")}.`
            : "; it declares none."),
      );
    }
    if (values.has(v.name)) {
      throw codepipelineError("ValidationException", `Variable ${JSON.stringify(v.name)} is given twice.`);
    }
    values.set(v.name, v.value);
  }
  return declared.map((d) => {
    const value = values.get(d.name) ?? d.defaultValue;
    if (value === undefined) {
      throw codepipelineError(
        "ValidationException",
        `Variable ${JSON.stringify(d.name)} of pipeline ${pipeline.name} has no default value; give it in variables.`,
      );
    }
    return { name: d.name, resolvedValue: value };
  });
}

function checkSourceRevisions(pipeline: EnginePipeline, overrides: StartRequest["sourceRevisions"]): void {
  const sources = pipeline.stages[0]?.actions ?? [];
  const seen = new Set<string>();
  for (const o of overrides ?? []) {
    const action = sources.find((a) => a.name === o.actionName && a.actionTypeId.category === "Source");
    if (!action) {
      throw codepipelineError(
        "ValidationException",
        `sourceRevisions: ${JSON.stringify(o.actionName)} is not a source action of pipeline ${pipeline.name}` +
          (sources.length ? `; its source actions are ${sources.map((a) => a.name).join(", ")}.` : "."),
      );
    }
    if (seen.has(o.actionName)) {
      throw codepipelineError("ValidationException", `sourceRevisions names ${o.actionName} twice.`);
    }
    seen.add(o.actionName);
    const allowed = REVISION_TYPES[action.actionTypeId.provider] ?? [];
    if (!allowed.includes(o.revisionType)) {
      throw codepipelineError(
        "ValidationException",
        `sourceRevisions: ${o.actionName} is a ${action.actionTypeId.provider} source; its revisionType is ` +
          (allowed.length ? allowed.join(" or ") : "not overridable") +
          `, not ${o.revisionType}.`,
      );
    }
  }
}

/**
 * Starts an execution of the pipeline's current version in `trx`; the engine takes it from there
 * once `trx` commits. Returns its id.
 */
export async function startExecution(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  scope: PipelineScope,
  pipelineName: string,
  request: StartRequest,
): Promise<string> {
  const head = await rt.pipelines.lock(trx, scope, pipelineName);
  if (!head) throw pipelineNotFound(pipelineName);
  const pipeline = await rt.pipelines.declaration(trx, scope, pipelineName, head.version);
  if (!pipeline) throw pipelineNotFound(pipelineName);
  if (request.clientToken !== undefined) {
    const earlier = await trx
      .selectFrom("codepipeline_executions")
      .select("execution_id")
      .where("account_id", "=", scope.accountId)
      .where("region", "=", scope.region)
      .where("pipeline_name", "=", pipelineName)
      .where("client_token", "=", request.clientToken)
      .executeTakeFirst();
    if (earlier) return earlier.execution_id;
  }
  const variables = resolveVariables(pipeline, request.variables);
  checkSourceRevisions(pipeline, request.sourceRevisions);
  return insertExecution(rt, trx, {
    account_id: scope.accountId,
    region: scope.region,
    pipeline_name: pipelineName,
    pipeline_version: head.version,
    execution_mode: pipeline.executionMode ?? "SUPERSEDED",
    execution_type: "STANDARD",
    trigger_type: request.trigger.triggerType,
    trigger_detail: request.trigger.triggerDetail,
    variables: JSON.stringify(variables),
    source_revisions: JSON.stringify(request.sourceRevisions ?? []),
    client_token: request.clientToken ?? null,
    rollback_metadata: null,
  });
}

type NewExecution = Omit<
  Insertable<Database["codepipeline_executions"]>,
  | "execution_id"
  | "status"
  | "status_summary"
  | "waiting_for_stage"
  | "stop_reason"
  | "ordinal"
  | "started_at"
  | "updated_at"
>;

/** Records a new execution, InProgress and next in its pipeline's order, and sets the engine on it. */
async function insertExecution(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  execution: NewExecution,
): Promise<string> {
  const last = await trx
    .selectFrom("codepipeline_executions")
    .select((eb) => eb.fn.max("ordinal").as("ordinal"))
    .where("account_id", "=", execution.account_id)
    .where("region", "=", execution.region)
    .where("pipeline_name", "=", execution.pipeline_name)
    .executeTakeFirst();
  const now = rt.clock.now();
  const id = newUuid();
  await trx
    .insertInto("codepipeline_executions")
    .values({
      ...execution,
      execution_id: id,
      status: "InProgress",
      status_summary: null,
      waiting_for_stage: null,
      stop_reason: null,
      ordinal: Number(last?.ordinal ?? 0) + 1,
      started_at: now,
      updated_at: now,
    })
    .execute();
  await emitPipelineEvent(rt.bus, trx, (await findExecution(trx, id))!, "STARTED");
  await enqueueAdvance(rt, trx, id);
  return id;
}

/** Starts a ROLLBACK execution of one stage, to what `targetId` carried there. */
export async function startRollback(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  like: ExecutionRow,
  stageName: string,
  targetId: string,
  trigger: { triggerType: string; triggerDetail: string },
): Promise<string> {
  const target = (await findExecution(trx, targetId))!;
  const metadata: RollbackMetadata = { rollbackTargetPipelineExecutionId: targetId, stageName };
  return insertExecution(rt, trx, {
    account_id: target.account_id,
    region: target.region,
    pipeline_name: target.pipeline_name,
    pipeline_version: target.pipeline_version,
    execution_mode: like.execution_mode,
    execution_type: "ROLLBACK",
    trigger_type: trigger.triggerType,
    trigger_detail: trigger.triggerDetail,
    variables: target.variables,
    source_revisions: target.source_revisions,
    client_token: null,
    rollback_metadata: JSON.stringify(metadata),
  });
}
