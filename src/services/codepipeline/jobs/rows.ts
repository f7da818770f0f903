import type { Kysely, Selectable } from "kysely";
import { newUuid } from "../../../core/index.js";
import type { Database } from "../../../platform/store/index.js";
import type { ActionInputDoc, ArtifactLocation, ExecutionRow } from "../executions/rows.js";
import { pipelineArn } from "../pipelines/rows.js";

export type JobRow = Selectable<Database["codepipeline_jobs"]>;

/** `Artifact` of AWS's `JobData`. */
function artifact(a: ArtifactLocation) {
  return { name: a.name, location: { type: "S3", s3Location: { bucketName: a.bucket, objectKey: a.key } } };
}

/** AWS's `JobData` for one run of a Custom action. */
export function jobData(
  execution: ExecutionRow,
  stageName: string,
  actionName: string,
  actionExecutionId: string,
  input: ActionInputDoc,
  continuationToken?: string,
) {
  return {
    actionTypeId: input.actionTypeId,
    actionConfiguration: { configuration: input.resolvedConfiguration },
    pipelineContext: {
      pipelineName: execution.pipeline_name,
      stage: { name: stageName },
      action: { name: actionName, actionExecutionId },
      pipelineArn: pipelineArn(
        { accountId: execution.account_id, region: execution.region },
        execution.pipeline_name,
      ),
      pipelineExecutionId: execution.execution_id,
    },
    inputArtifacts: input.inputArtifacts.map(artifact),
    outputArtifacts: input.outputArtifacts.map(artifact),
    ...(continuationToken !== undefined ? { continuationToken } : {}),
  };
}

/** Queues a job for the workers of a Custom action type (they find it with PollForJobs). */
export async function queueJob(
  trx: Kysely<Database>,
  row: { account_id: string; region: string; action_execution_id: string; action_type: string },
  data: ReturnType<typeof jobData>,
  now: number,
): Promise<string> {
  const jobId = newUuid();
  await trx
    .insertInto("codepipeline_jobs")
    .values({
      job_id: jobId,
      account_id: row.account_id,
      region: row.region,
      action_execution_id: row.action_execution_id,
      action_type: row.action_type,
      nonce: newUuid(),
      status: "Queued",
      data: JSON.stringify(data),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return jobId;
}
