import { codepipelineError } from "../errors.js";
import type { ActionInput, ConditionInput } from "./shapes.js";

/** The most commands a Commands action runs, as AWS's model allows. */
export const MAX_COMMANDS = 50;

// An exported variable is a shell variable: what `export NAME=…` accepts.
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The checks of a compute (Commands) action's own fields that AWS documents: 1 to 50 commands,
 * each on one line; output variables that are names of environment variables; output artifact
 * `files` relative to the source directory. Messages name the stage and the action.
 */
export function checkComputeFields(action: ActionInput, place: { stage: string; action: string }): void {
  const where = `Stage "${place.stage}", action "${place.action}"`;
  const refuse = (message: string) =>
    codepipelineError("InvalidActionDeclarationException", `${where}: ${message}`);
  const commands = action.commands ?? [];
  if (commands.length > MAX_COMMANDS) {
    // The model's limit, so AWS's error code; the message says where.
    throw codepipelineError(
      "ValidationException",
      `${where}: it has ${commands.length} commands; a Commands action runs 1 to ${MAX_COMMANDS} (put longer scripts in a file of the source and run it).`,
    );
  }
  commands.forEach((command, i) => {
    if (/[\r\n]/.test(command))
      throw refuse(
        `command ${i + 1} spans several lines; Commands actions take single-line commands only (join them with && or ;, or list each as its own command).`,
      );
    if (!command.trim()) throw refuse(`command ${i + 1} is blank; give a shell command.`);
  });
  const seen = new Set<string>();
  for (const name of action.outputVariables ?? []) {
    if (!VARIABLE_NAME.test(name))
      throw refuse(
        `output variable ${JSON.stringify(name)} is not an environment variable name (letters, digits and _, not starting with a digit).`,
      );
    if (seen.has(name)) throw refuse(`output variable ${name} is listed twice.`);
    seen.add(name);
  }
  const envNames = new Set<string>();
  for (const { name } of action.environmentVariables ?? []) {
    if (envNames.has(name)) throw refuse(`environment variable ${name} is listed twice.`);
    envNames.add(name);
  }
  for (const artifact of action.outputArtifacts ?? []) {
    for (const glob of artifact.files ?? []) {
      if (glob.startsWith("/") || glob.split("/").includes(".."))
        throw refuse(
          `output artifact "${artifact.name}" files ${JSON.stringify(glob)} must be a path relative to the source directory, without "..".`,
        );
    }
  }
}

type RuleInput = NonNullable<ConditionInput["rules"]>[number];

/**
 * A Commands rule's commands, as the rule reference states them: at least one (the model allows 1
 * to 50), each on one line. `where` names the stage, condition and rule.
 */
export function checkRuleCommands(rule: RuleInput, where: string): void {
  if (rule.ruleTypeId.provider !== "Commands") return;
  const refuse = (message: string) =>
    codepipelineError("InvalidStageDeclarationException", `${where}: ${message}`);
  const commands = rule.commands ?? [];
  if (commands.length === 0) throw refuse("a Commands rule needs commands (1 to 50 shell commands).");
  commands.forEach((command, i) => {
    if (/[\r\n]/.test(command))
      throw refuse(
        `command ${i + 1} spans several lines; Commands rules take single-line commands only (join them with && or ;, or list each as its own command).`,
      );
    if (!command.trim()) throw refuse(`command ${i + 1} is blank; give a shell command.`);
  });
}
