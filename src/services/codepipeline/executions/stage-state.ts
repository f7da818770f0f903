import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";

/** What GetPipelineState reads of one stage, each through an index and bounded. */

export interface StageWhere {
  accountId: string;
  region: string;
  pipelineName: string;
  stageName: string;
}

/** Executions that start a stage in the same millisecond are few; this many is plenty. */
const SAME_START = 50;

/**
 * The stage's latest execution: the one that entered it last, the newest execution on a tie.
 * The start time comes from the stage index; the tie is settled among the (few) rows of that time.
 */
export async function latestStageExecution(trx: Kysely<Database>, where: StageWhere) {
  const stageRows = trx
    .selectFrom("codepipeline_stage_executions as s")
    .where("s.account_id", "=", where.accountId)
    .where("s.region", "=", where.region)
    .where("s.pipeline_name", "=", where.pipelineName)
    .where("s.stage_name", "=", where.stageName);
  const last = await stageRows
    .select("s.started_at")
    .orderBy("s.started_at", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!last) return undefined;
  const ties = await stageRows
    .innerJoin("codepipeline_executions as e", "e.execution_id", "s.execution_id")
    .select([
      "s.execution_id",
      "s.status",
      "s.auto_retries",
      "s.manual_retries",
      "e.execution_type",
      "e.ordinal",
    ])
    .where("s.started_at", "=", last.started_at)
    .limit(SAME_START)
    .execute();
  return ties.reduce((a, b) => (Number(b.ordinal) > Number(a.ordinal) ? b : a));
}

/**
 * How many executions waiting to enter a stage GetPipelineState shows, newest first: a closed
 * transition queues runs, and the state names the newest of them.
 */
const WAITING_SHOWN = 100;

/** Executions waiting at the stage's inbound transition, newest first. */
export async function waitingExecutions(trx: Kysely<Database>, where: StageWhere) {
  return trx
    .selectFrom("codepipeline_executions")
    .select(["execution_id", "execution_type"])
    .where("account_id", "=", where.accountId)
    .where("region", "=", where.region)
    .where("pipeline_name", "=", where.pipelineName)
    .where("waiting_for_stage", "=", where.stageName)
    .where("status", "=", "InProgress")
    .orderBy("ordinal", "desc")
    .limit(WAITING_SHOWN)
    .execute();
}
