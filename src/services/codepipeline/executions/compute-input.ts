import type { EngineAction } from "./pipeline-source.js";
import type { ComputeInputDoc } from "./rows.js";
import { substitute } from "./variables.js";

/**
 * A compute action's commands and environment. Variables are substituted in environment variable
 * values only: a command is run as written, so a value an earlier action produced (a commit
 * message, say) reaches it as `$NAME`, never as shell text.
 */
export function computeInput(
  action: EngineAction,
  variables: ReadonlyMap<string, string>,
  where: string,
): ComputeInputDoc | undefined {
  if (action.commands === undefined) return undefined;
  const output = action.outputArtifacts?.[0];
  return {
    commands: [...action.commands],
    outputVariables: [...(action.outputVariables ?? [])],
    environmentVariables: (action.environmentVariables ?? []).map((v) => ({
      name: v.name,
      value: substitute(v.value, variables, `${where}, environment variable ${v.name}`),
      type: v.type === "SECRETS_MANAGER" ? "SECRETS_MANAGER" : "PLAINTEXT",
    })),
    ...(output ? { files: [...(output.files ?? ["**/*"])] } : {}),
  };
}
