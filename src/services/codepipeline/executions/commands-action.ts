import { errorMessage } from "../../../core/index.js";
import { recordStartedBuild } from "./build-actions.js";
import { finishAction } from "./finish-action.js";
import { inputOf, type ActionRow } from "./rows.js";
import type { ExecutionRuntime } from "./runtime.js";

/**
 * The Commands action (Compute/AWS/Commands): as on AWS, its commands run as a CodeBuild build
 * that has no project — the build sandbox, the build log and its live link are a build's. The
 * action execution's id is the build's idempotency token (a job run twice starts one build), and
 * the action ends with the build through the same build-state subscriber as a Build action; the
 * variables named in `outputVariables` are the build's exported variables, so they become the
 * action's output variables.
 */
export async function startCommandsAction(rt: ExecutionRuntime, row: ActionRow): Promise<void> {
  const input = inputOf(row);
  const fail = (message: string) =>
    rt.store.transaction((trx) =>
      finishAction(rt, trx, row.action_execution_id, {
        status: "Failed",
        code: "ConfigurationError",
        message,
      }),
    );
  const where = `Stage "${row.stage_name}", action "${row.action_name}"`;
  if (!rt.builds)
    return void (await fail(
      `${where}: CodeBuild, which runs the commands, is not available on this server.`,
    ));
  const compute = input.compute;
  if (!compute) return void (await fail(`${where}: a Commands action needs commands.`));
  const config = input.resolvedConfiguration;
  let buildId: string;
  try {
    buildId = await rt.builds.startInlineBuild({
      accountId: row.account_id,
      region: input.region,
      pipelineName: row.pipeline_name,
      initiator: `codepipeline/${row.pipeline_name}`,
      idempotencyToken: row.action_execution_id,
      commands: compute.commands,
      exportedVariables: compute.outputVariables,
      artifactFiles: compute.files,
      inputs: input.inputArtifacts,
      output: input.outputArtifacts[0],
      environmentVariables: compute.environmentVariables,
      image: config["Image"],
      computeType: config["ComputeType"],
    });
  } catch (e) {
    return void (await fail(`${where}: CodeBuild did not start the commands' build: ${errorMessage(e)}`));
  }
  await recordStartedBuild(rt, row, buildId);
}
