/** One version's id and staging labels. */
export interface StagedVersion {
  id: string;
  stages: readonly string[];
}

/** The label of the version GetSecretValue returns by default. */
export const CURRENT = "AWSCURRENT";
/** The label AWS moves to the version that was current before the last change. */
export const PREVIOUS = "AWSPREVIOUS";

/**
 * The labels of every version after `stages` are attached to version `target` (new or existing).
 * A label sits on one version at a time, so it leaves whichever version had it; when AWSCURRENT
 * moves, the version that had it becomes AWSPREVIOUS, as Secrets Manager does.
 */
export function moveStages(
  versions: readonly StagedVersion[],
  target: string,
  stages: readonly string[],
): Map<string, string[]> {
  const result = new Map(versions.map((v) => [v.id, [...v.stages]]));
  const oldCurrent = versions.find((v) => v.id !== target && v.stages.includes(CURRENT));
  for (const [id, labels] of result) {
    if (id !== target)
      result.set(
        id,
        labels.filter((l) => !stages.includes(l)),
      );
  }
  result.set(target, [...new Set([...(result.get(target) ?? []), ...stages])]);
  if (stages.includes(CURRENT) && oldCurrent && !stages.includes(PREVIOUS)) {
    for (const [id, labels] of result)
      result.set(
        id,
        labels.filter((l) => l !== PREVIOUS),
      );
    result.get(oldCurrent.id)!.push(PREVIOUS);
  }
  return result;
}
