/**
 * The artifact a CodeCommit source action writes with `OutputArtifactFormat: CODEBUILD_CLONE_REF`
 * ("full clone"): not the files, but a reference to the repository and commit that a downstream
 * CodeBuild action clones, history and all. AWS documents the option, not the artifact's bytes, so
 * this form is Pipewright's own: a small JSON object (not a zip), marked in the object's metadata
 * so that every consumer can tell it from a zip without parsing it — only CodeBuild may use it,
 * and any other action refuses it with a message saying so, as AWS does.
 */

/** `x-amz-meta-codepipeline-artifact-format` on the artifact's object. */
export const ARTIFACT_FORMAT_METADATA = "codepipeline-artifact-format";
export const CLONE_REF_FORMAT = "CODEBUILD_CLONE_REF";
export const CLONE_REF_CONTENT_TYPE = "application/json";

/** The reference, as stored. */
export interface CloneRef {
  format: typeof CLONE_REF_FORMAT;
  provider: "CodeCommit";
  repositoryName: string;
  repositoryArn: string;
  /** `<server>/v1/repos/<name>`: what `git clone` takes (CodeBuild's CODECOMMIT source location). */
  cloneUrlHttp: string;
  branchName: string;
  /** The commit to check out: the execution's source revision. */
  commitId: string;
}

/** The JSON text of a reference. */
export function serializeCloneRef(ref: CloneRef): string {
  return `${JSON.stringify(ref, null, 2)}\n`;
}

/** Whether an artifact object's metadata marks it as a clone reference. */
export function isCloneRef(metadata: Readonly<Record<string, string>>): boolean {
  return metadata[ARTIFACT_FORMAT_METADATA] === CLONE_REF_FORMAT;
}

/**
 * Reads a reference written by {@link serializeCloneRef}.
 * @throws Error when the text is not one.
 */
export function parseCloneRef(text: string): CloneRef {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("the artifact is not a CODEBUILD_CLONE_REF reference (not JSON)");
  }
  const v = value as Partial<CloneRef> | null;
  const fields = ["repositoryName", "repositoryArn", "cloneUrlHttp", "branchName", "commitId"] as const;
  if (
    typeof v !== "object" ||
    v === null ||
    v.format !== CLONE_REF_FORMAT ||
    v.provider !== "CodeCommit" ||
    fields.some((f) => typeof v[f] !== "string")
  ) {
    throw new Error("the artifact is not a CODEBUILD_CLONE_REF reference (fields missing)");
  }
  return {
    format: CLONE_REF_FORMAT,
    provider: "CodeCommit",
    repositoryName: v.repositoryName!,
    repositoryArn: v.repositoryArn!,
    cloneUrlHttp: v.cloneUrlHttp!,
    branchName: v.branchName!,
    commitId: v.commitId!,
  };
}
