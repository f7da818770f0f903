import { codepipelineError } from "../errors.js";

/** The errors of the structure checks: each names the stage and action it is about. */

export const structureError = (message: string) => codepipelineError("InvalidStructureException", message);
export const stageError = (stage: string, message: string) =>
  codepipelineError("InvalidStageDeclarationException", `Stage "${stage}": ${message}`);
export const actionError = (place: { stage: string; action: string }, message: string) =>
  codepipelineError(
    "InvalidActionDeclarationException",
    `Stage "${place.stage}", action "${place.action}": ${message}`,
  );

/** `a, b, c`, at most `max` names, or `none`. */
export function nameList(names: readonly string[], max = 20): string {
  if (names.length === 0) return "none";
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
