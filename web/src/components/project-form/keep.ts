// UpdateProject replaces each member it is given whole: the members of source, environment,
// artifacts and logs that the form does not show (a clone depth, a certificate, S3 logs…) are sent
// back as the project had them, so editing a project through the form does not drop them.
import type { Project, ProjectInput } from "../../services/codebuild";

/** `value` without `keys`, or nothing when it is not an object. */
function without(value: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
}

const SOURCE_SHOWN = ["type", "location", "buildspec"];
const ENVIRONMENT_SHOWN = ["type", "image", "computeType", "environmentVariables", "privilegedMode"];
const ARTIFACTS_SHOWN = ["type", "location", "path", "name", "packaging"];

export function keepUnshown(input: ProjectInput, original: Project | undefined): ProjectInput {
  if (!original) return input;
  const sameSource = original.source?.type === input.source.type;
  const sameArtifacts = original.artifacts?.type === input.artifacts.type;
  return {
    ...input,
    source: { ...(sameSource ? without(original.source, SOURCE_SHOWN) : {}), ...input.source },
    environment: { ...without(original.environment, ENVIRONMENT_SHOWN), ...input.environment },
    artifacts: { ...(sameArtifacts ? without(original.artifacts, ARTIFACTS_SHOWN) : {}), ...input.artifacts },
    ...(input.logsConfig && {
      logsConfig: { ...without(original.logsConfig, ["cloudWatchLogs"]), ...input.logsConfig },
    }),
  };
}
