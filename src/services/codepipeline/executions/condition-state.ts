import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { declaredCondition, type ConditionType } from "./condition-gate.js";
import { latestRuleRun, type RuleRow } from "./condition-rows.js";
import type { EngineCondition, EngineStage } from "./pipeline-source.js";

/** How stage conditions and rule runs read on the wire (GetPipelineState, ListRuleExecutions). */

const STATE_FIELDS: ReadonlyArray<[ConditionType, string]> = [
  ["BEFORE_ENTRY", "beforeEntryConditionState"],
  ["ON_SUCCESS", "onSuccessConditionState"],
  ["ON_FAILURE", "onFailureConditionState"],
];

/** A rule run as AWS's `RuleExecution` (GetPipelineState's rule states). */
function ruleExecutionShape(row: RuleRow) {
  return {
    ruleExecutionId: row.rule_execution_id,
    status: row.status,
    ...(row.summary !== null ? { summary: row.summary.slice(0, 2048) } : {}),
    lastStatusChange: new Date(Number(row.updated_at)),
    ...externalExecution(row),
    ...(row.error_code !== null
      ? { errorDetails: { code: row.error_code, message: (row.error_message ?? "").slice(0, 5000) } }
      : {}),
  };
}

/** The build a Commands rule ran in: `externalExecutionId` and `externalExecutionUrl`. */
function externalExecution(row: RuleRow) {
  return {
    ...(row.external_execution_id !== null ? { externalExecutionId: row.external_execution_id } : {}),
    ...(row.external_execution_url !== null ? { externalExecutionUrl: row.external_execution_url } : {}),
  };
}

/** A rule run as AWS's `RuleExecutionDetail` (ListRuleExecutions). */
export function ruleExecutionDetail(row: RuleRow) {
  const input = JSON.parse(row.input) as {
    ruleTypeId: Record<string, string>;
    configuration: Record<string, string>;
    resolvedConfiguration: Record<string, string>;
    region: string;
    inputArtifacts?: Array<{ name: string; bucket: string; key: string }>;
  };
  return {
    pipelineExecutionId: row.execution_id,
    ruleExecutionId: row.rule_execution_id,
    pipelineVersion: row.pipeline_version,
    stageName: row.stage_name,
    ruleName: row.rule_name,
    startTime: new Date(Number(row.started_at)),
    lastUpdateTime: new Date(Number(row.updated_at)),
    status: row.status,
    input: {
      ruleTypeId: input.ruleTypeId,
      configuration: input.configuration,
      resolvedConfiguration: input.resolvedConfiguration,
      region: input.region,
      inputArtifacts: (input.inputArtifacts ?? []).map((a) => ({
        name: a.name,
        s3location: { bucket: a.bucket, key: a.key },
      })),
    },
    output: {
      executionResult: {
        ...externalExecution(row),
        ...(row.summary !== null ? { externalExecutionSummary: row.summary.slice(0, 2048) } : {}),
        ...(row.error_code !== null
          ? { errorDetails: { code: row.error_code, message: (row.error_message ?? "").slice(0, 5000) } }
          : {}),
      },
    },
  };
}

/**
 * A stage's `beforeEntryConditionState`, `onSuccessConditionState` and `onFailureConditionState`:
 * the latest evaluation of each condition the stage declares, with its rules' latest runs.
 */
export async function stageConditionStates(
  trx: Kysely<Database>,
  scope: { accountId: string; region: string },
  pipelineName: string,
  stage: EngineStage,
): Promise<Record<string, unknown>> {
  const states: Record<string, unknown> = {};
  for (const [type, field] of STATE_FIELDS) {
    const declared = declaredCondition(stage, type);
    if (!declared) continue;
    const latest = await trx
      .selectFrom("codepipeline_stage_conditions")
      .selectAll()
      .where("account_id", "=", scope.accountId)
      .where("region", "=", scope.region)
      .where("pipeline_name", "=", pipelineName)
      .where("stage_name", "=", stage.name)
      .where("condition_type", "=", type)
      .orderBy("updated_at", "desc")
      .orderBy("started_at", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!latest) continue;
    const status = { status: latest.status, ...(latest.summary !== null ? { summary: latest.summary } : {}) };
    states[field] = {
      latestExecution: status,
      conditionStates: [
        {
          latestExecution: { ...status, lastStatusChange: new Date(Number(latest.updated_at)) },
          ruleStates: await Promise.all(
            ((declared as EngineCondition).rules ?? []).map(async (rule) => {
              const run = await latestRuleRun(trx, latest, rule.name);
              return { ruleName: rule.name, ...(run ? { latestExecution: ruleExecutionShape(run) } : {}) };
            }),
          ),
        },
      ],
    };
  }
  return states;
}
