import { stringify } from "yaml";
import { invalidInput } from "./errors.js";

/** What a build without a project runs: the parts of a buildspec a pipeline's Commands action has. */
export interface InlineSpec {
  /** Shell commands, one line each, run in order in the BUILD phase (1 to 50). */
  commands: readonly string[];
  /** Variables whose values the build exports when it ends (`env.exported-variables`). */
  exportedVariables: readonly string[];
  /**
   * Globs of the files, relative to the primary source directory, that make the build's artifact;
   * undefined when the build has no artifact.
   */
  artifactFiles?: readonly string[] | undefined;
}

/** The most commands one inline build runs, as AWS allows a Commands action. */
export const MAX_INLINE_COMMANDS = 50;

/**
 * The buildspec (version 0.2) of an inline build. It is written with a YAML library, so a command
 * is always one string of the BUILD phase whatever characters it holds (`: `, `#`, quotes); a
 * command of several lines is refused, as AWS refuses it in a Commands action.
 *
 * @throws ServiceError InvalidInputException naming the command that cannot be run.
 */
export function inlineBuildspec(spec: InlineSpec): string {
  if (spec.commands.length < 1 || spec.commands.length > MAX_INLINE_COMMANDS) {
    throw invalidInput(
      `an inline build needs 1 to ${MAX_INLINE_COMMANDS} commands, got ${spec.commands.length}`,
    );
  }
  spec.commands.forEach((command, i) => {
    if (/[\r\n]/.test(command))
      throw invalidInput(`command ${i + 1} has several lines; write each command on one line`);
    if (!command.trim()) throw invalidInput(`command ${i + 1} is empty`);
  });
  const doc: Record<string, unknown> = {
    version: 0.2,
    ...(spec.exportedVariables.length ? { env: { "exported-variables": [...spec.exportedVariables] } } : {}),
    phases: { build: { commands: [...spec.commands] } },
    ...(spec.artifactFiles ? { artifacts: { files: [...spec.artifactFiles] } } : {}),
  };
  return stringify(doc, { lineWidth: 0 });
}
