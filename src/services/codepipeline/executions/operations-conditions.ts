import { z } from "zod";
import { RunListInput, runPageRequest } from "./run-listing.js";
import { awsString, operation } from "../../kit/index.js";
import { codepipelineError } from "../errors.js";
import { declaredCondition } from "./condition-gate.js";
import { ruleExecutionDetail } from "./condition-state.js";
import { ExecutionId, lockExecutionStage, PipelineName, StageName } from "./operation-lookups.js";
import { ruleTypeShapes } from "./rules/index.js";
import type { ExecutionRuntime } from "./runtime.js";
import { enqueueAdvance } from "./wake.js";

// The operations of stage conditions: the rule types there are, the runs of a pipeline's rules,
// and letting an execution through a condition it waits on.

const FIELD = { BEFORE_ENTRY: "beforeEntry", ON_SUCCESS: "onSuccess" } as const;

/** ListRuleTypes: the rule providers conditions can use (all owned by AWS, in every region). */
export function listRuleTypes() {
  return operation({
    name: "ListRuleTypes",
    input: z.object({
      ruleOwnerFilter: z.enum(["AWS"]).optional(),
      regionFilter: awsString(4, 30).optional(),
    }),
    handler: () => Promise.resolve({ ruleTypes: ruleTypeShapes() }),
  });
}

/** ListRuleExecutions: newest first, of the pipeline or of one execution. */
export function listRuleExecutions(rt: ExecutionRuntime) {
  return operation({
    name: "ListRuleExecutions",
    input: RunListInput,
    handler: async (input, ctx) => {
      const request = await runPageRequest(rt, ctx, "ListRuleExecutions", input);
      const { executionId, after, limit } = request;
      let query = ctx.trx
        .selectFrom("codepipeline_rule_executions")
        .selectAll()
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("pipeline_name", "=", input.pipelineName)
        .orderBy("started_at", "desc")
        .orderBy("rule_execution_id", "desc")
        .limit(limit + 1);
      if (executionId !== undefined) query = query.where("execution_id", "=", executionId);
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb("started_at", "<", after.t),
            eb.and([eb("started_at", "=", after.t), eb("rule_execution_id", "<", after.id)]),
          ]),
        );
      }
      const rows = await query.execute();
      const { count, nextToken } = request.nextToken(rows, (i) => rows[i]!.rule_execution_id);
      return {
        ruleExecutionDetails: rows.slice(0, count).map(ruleExecutionDetail),
        ...(nextToken !== undefined ? { nextToken } : {}),
      };
    },
  });
}

/**
 * OverrideStageCondition: an execution waiting on a stage's beforeEntry or onSuccess condition (a
 * deployment window that is closed) goes on as if the condition were met. A condition whose result
 * is SKIP cannot be overridden, as on AWS.
 */
export function overrideStageCondition(rt: ExecutionRuntime) {
  return operation({
    name: "OverrideStageCondition",
    input: z.object({
      pipelineName: PipelineName,
      stageName: StageName,
      pipelineExecutionId: ExecutionId,
      conditionType: z.enum(["BEFORE_ENTRY", "ON_SUCCESS"]),
    }),
    handler: async (input, ctx) => {
      const { row, stage } = await lockExecutionStage(rt, ctx, input);
      const field = FIELD[input.conditionType];
      const declared = declaredCondition(stage, input.conditionType);
      const refuse = (why: string) =>
        codepipelineError("ConditionNotOverridableException", `Stage "${input.stageName}": ${why}`);
      if (!declared) throw refuse(`it has no ${field} condition to override.`);
      if (declared.result === "SKIP")
        throw refuse(`its ${field} condition has result SKIP, which cannot be overridden.`);
      const waiting = await ctx.trx
        .selectFrom("codepipeline_stage_conditions")
        .select("stage_attempt")
        .where("execution_id", "=", row.execution_id)
        .where("stage_name", "=", input.stageName)
        .where("condition_type", "=", input.conditionType)
        .where("status", "=", "InProgress")
        .executeTakeFirst();
      if (!waiting || row.status !== "InProgress") {
        throw refuse(
          `execution ${row.execution_id} is not waiting on its ${field} condition; only a condition in progress can be overridden.`,
        );
      }
      const now = rt.clock.now();
      const key = (q: "codepipeline_stage_conditions" | "codepipeline_rule_executions") =>
        ctx.trx
          .updateTable(q)
          .where("execution_id", "=", row.execution_id)
          .where("stage_name", "=", input.stageName)
          .where("condition_type", "=", input.conditionType)
          .where("stage_attempt", "=", waiting.stage_attempt);
      await key("codepipeline_stage_conditions")
        .set({
          status: "Overridden",
          summary: `Overridden by ${ctx.principal.arn}.`,
          recheck_at: null,
          overridden_by: ctx.principal.arn,
          updated_at: now,
        })
        .execute();
      await key("codepipeline_rule_executions")
        .set({ status: "Abandoned", updated_at: now })
        .where("status", "=", "InProgress")
        .execute();
      await enqueueAdvance(rt, ctx.trx, row.execution_id);
      return {};
    },
  });
}
