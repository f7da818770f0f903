import type { Kysely } from "kysely";
import { z } from "zod";
import { errorMessage } from "../../../core/index.js";
import type { Job } from "../../../platform/queue/index.js";
import type { Database } from "../../../platform/store/index.js";
import type { BuildOutcome } from "../../codebuild/index.js";
import { ruleWhere, type ConditionType } from "./condition-gate.js";
import type { RuleRow } from "./condition-rows.js";
import type { ArtifactLocation } from "./rows.js";
import type { RuleDeclarationDoc, RuleOutcome } from "./rules/index.js";
import type { ExecutionRuntime } from "./runtime.js";
import { enqueueAdvance } from "./wake.js";

/**
 * The Commands rule (Rule/AWS/Commands/1): as on AWS, its commands run as a CodeBuild build without
 * a project, like the Commands action's, and the rule passes when every command exits 0. The engine
 * records the run InProgress and enqueues `codepipeline.rule`, whose job starts the build (the rule
 * execution's id is the build's idempotency token, so a job run twice starts one build); the rule
 * ends from the build's "Build State Change" event (or at once, when the build was over before its
 * id was recorded), and wakes the engine so the condition's result applies.
 */

export const RULE_JOB = "codepipeline.rule";
const RulePayload = z.object({ ruleExecutionId: z.string() });

/** What a Commands rule's run keeps in its `input` beside `RuleExecutionInput`'s fields. */
interface StoredRuleInput {
  region: string;
  resolvedConfiguration: Record<string, string>;
  commands?: string[];
  inputArtifacts?: ArtifactLocation[];
}

/**
 * A Commands rule about to run: its commands and input artifacts (from the execution's earlier
 * actions), or why it cannot run.
 */
export function prepareCommandsRule(
  rule: RuleDeclarationDoc,
  artifacts: ReadonlyMap<string, ArtifactLocation>,
  where: string,
): { outcome: RuleOutcome; input: Pick<StoredRuleInput, "commands" | "inputArtifacts"> } {
  const commands = [...(rule.commands ?? [])];
  const inputArtifacts: ArtifactLocation[] = [];
  const errored = (message: string) => ({
    outcome: { status: "Errored" as const, code: "ConfigurationError", message: `${where}: ${message}` },
    input: { commands, inputArtifacts },
  });
  if (commands.length === 0) return errored("a Commands rule needs commands (1 to 50 shell commands).");
  for (const artifact of rule.inputArtifacts ?? []) {
    const found = artifacts.get(artifact.name);
    if (!found) return errored(`input artifact "${artifact.name}" was not produced in this execution.`);
    inputArtifacts.push({ ...found, name: artifact.name });
  }
  return {
    outcome: { status: "InProgress", summary: "Its commands run in a CodeBuild build." },
    input: { commands, inputArtifacts },
  };
}

async function ruleRow(db: Kysely<Database>, id: string): Promise<RuleRow | undefined> {
  return db
    .selectFrom("codepipeline_rule_executions")
    .selectAll()
    .where("rule_execution_id", "=", id)
    .executeTakeFirst();
}

/** The `codepipeline.rule` job: starts a Commands rule's build and records it. */
export function createRuleJobHandler(rt: ExecutionRuntime) {
  return async (job: Job): Promise<void> => {
    const { ruleExecutionId } = RulePayload.parse(job.payload);
    const row = await ruleRow(rt.store.db, ruleExecutionId);
    if (!row || row.status !== "InProgress") return;
    const input = JSON.parse(row.input) as StoredRuleInput;
    const where = ruleWhere(row.stage_name, row.condition_type as ConditionType, row.rule_name);
    const initiator = `codepipeline/${row.pipeline_name}`;
    const fail = (message: string) =>
      rt.store.transaction((trx) =>
        finishRule(rt, trx, ruleExecutionId, { status: "Errored", code: "JobFailed", message }),
      );
    const builds = rt.builds;
    if (!builds)
      return void (await fail(
        `${where}: CodeBuild, which runs the commands, is not available on this server.`,
      ));
    let buildId: string;
    try {
      buildId = await builds.startInlineBuild({
        accountId: row.account_id,
        region: input.region,
        pipelineName: row.pipeline_name,
        initiator,
        idempotencyToken: ruleExecutionId,
        commands: input.commands ?? [],
        exportedVariables: [],
        inputs: input.inputArtifacts ?? [],
        environmentVariables: [],
        image: input.resolvedConfiguration["Image"],
        computeType: input.resolvedConfiguration["ComputeType"],
      });
    } catch (e) {
      return void (await fail(`${where}: CodeBuild did not start the commands' build: ${errorMessage(e)}`));
    }
    await rt.store.transaction(async (trx) => {
      const scope = { accountId: row.account_id, region: input.region };
      const current = await ruleRow(trx, ruleExecutionId);
      if (current?.status !== "InProgress") {
        // Its execution ended while the build was being started: the build's result is not needed.
        await builds.stopBuild(trx, scope, buildId);
        return;
      }
      const outcome = await builds.buildOutcome(
        trx,
        { accountId: row.account_id, region: input.region },
        buildId,
      );
      if (outcome && outcome.initiator !== initiator) {
        // Someone's StartBuild took this rule run's token first: never take its result.
        await finishRule(rt, trx, ruleExecutionId, {
          status: "Errored",
          code: "JobFailed",
          message: `${where}: build ${buildId} was not started by this pipeline (its idempotency token was used by another StartBuild).`,
        });
        return;
      }
      await trx
        .updateTable("codepipeline_rule_executions")
        .set({
          external_execution_id: buildId,
          external_execution_url: outcome?.logsDeepLink ?? null,
          updated_at: rt.clock.now(),
        })
        .where("rule_execution_id", "=", ruleExecutionId)
        .where("status", "=", "InProgress")
        .execute();
      if (outcome?.complete) await finishRule(rt, trx, ruleExecutionId, buildRuleOutcome(outcome, where));
    });
  };
}

/**
 * Stops the builds of an execution's Commands rules still in progress, as the execution ends
 * (their runs are then abandoned); a build whose id is not recorded yet is stopped by its job.
 */
export async function stopRuleBuilds(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  executionId: string,
): Promise<void> {
  const running = await trx
    .selectFrom("codepipeline_rule_executions")
    .select(["account_id", "input", "external_execution_id"])
    .where("execution_id", "=", executionId)
    .where("status", "=", "InProgress")
    .where("external_execution_id", "is not", null)
    .execute();
  for (const run of running) {
    const { region } = JSON.parse(run.input) as StoredRuleInput;
    await rt.builds?.stopBuild(trx, { accountId: run.account_id, region }, run.external_execution_id!);
  }
}

/**
 * Bus subscriber's half for rules: a build a Commands rule started ended. Its idempotency token is
 * the rule execution's id, so the run is found even before its job recorded the build's id.
 * False when the build is no rule's.
 */
export async function endRuleWithBuild(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  accountId: string,
  outcome: BuildOutcome & { idempotencyToken: string },
): Promise<void> {
  const row = await trx
    .selectFrom("codepipeline_rule_executions")
    .selectAll()
    .where("rule_execution_id", "=", outcome.idempotencyToken)
    .where("account_id", "=", accountId)
    .where("status", "=", "InProgress")
    .executeTakeFirst();
  if (!row || outcome.initiator !== `codepipeline/${row.pipeline_name}`) return;
  if (row.external_execution_id !== null && row.external_execution_id !== outcome.id) return;
  const where = ruleWhere(row.stage_name, row.condition_type as ConditionType, row.rule_name);
  await finishRule(rt, trx, row.rule_execution_id, buildRuleOutcome(outcome, where));
}

type Ended = Exclude<RuleOutcome, { status: "InProgress" }> & {
  externalExecutionId?: string;
  externalExecutionUrl?: string;
};

/** A finished build as its rule's outcome: it passes when every command exited 0. */
function buildRuleOutcome(outcome: BuildOutcome, where: string): Ended {
  const external = { externalExecutionId: outcome.id, externalExecutionUrl: outcome.logsDeepLink };
  if (outcome.status === "SUCCEEDED")
    return {
      status: "Succeeded",
      summary: `Build ${outcome.id} succeeded: every command exited 0.`,
      ...external,
    };
  const message = `${where}: build ${outcome.id} ended ${outcome.status}${outcome.failure ? `: ${outcome.failure}` : "."}`;
  // A command that exited non-zero fails the rule's check; a build that could not finish errs.
  return outcome.status === "FAILED"
    ? { status: "Failed", code: "RuleCheckFailed", message, ...external }
    : { status: "Errored", code: "JobFailed", message, ...external };
}

/**
 * Ends a rule run in progress once, under its pipeline's lock (so the engine, which evaluates
 * conditions under it, never misses the end), marks its condition due to be looked at, and wakes
 * the engine in the same transaction.
 */
async function finishRule(
  rt: ExecutionRuntime,
  trx: Kysely<Database>,
  ruleExecutionId: string,
  outcome: Ended,
): Promise<void> {
  const head = await ruleRow(trx, ruleExecutionId);
  if (!head) return;
  await rt.pipelines.lock(trx, { accountId: head.account_id, region: head.region }, head.pipeline_name);
  const row = await ruleRow(trx, ruleExecutionId);
  if (!row || row.status !== "InProgress") return;
  const now = rt.clock.now();
  await trx
    .updateTable("codepipeline_rule_executions")
    .set({
      status: outcome.status === "Errored" ? "Failed" : outcome.status,
      summary: outcome.status === "Succeeded" ? outcome.summary : null,
      error_code: outcome.status === "Succeeded" ? null : outcome.code,
      error_message: outcome.status === "Succeeded" ? null : outcome.message,
      ...(outcome.externalExecutionId ? { external_execution_id: outcome.externalExecutionId } : {}),
      ...(outcome.externalExecutionUrl ? { external_execution_url: outcome.externalExecutionUrl } : {}),
      updated_at: now,
    })
    .where("rule_execution_id", "=", ruleExecutionId)
    .execute();
  await trx
    .updateTable("codepipeline_stage_conditions")
    .set({ recheck_at: now, updated_at: now })
    .where("execution_id", "=", row.execution_id)
    .where("stage_name", "=", row.stage_name)
    .where("condition_type", "=", row.condition_type)
    .where("stage_attempt", "=", row.stage_attempt)
    .where("status", "=", "InProgress")
    .execute();
  await enqueueAdvance(rt, trx, row.execution_id);
}
