import type { StageDeclaration } from "@aws-sdk/client-codepipeline";

/** A Source stage with one S3 source action, `Fetch`, of `bucket`/`key`, output artifact `Src`. */
export function s3SourceStage(bucket: string, key: string): StageDeclaration {
  return {
    name: "Source",
    actions: [
      {
        name: "Fetch",
        actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
        configuration: { S3Bucket: bucket, S3ObjectKey: key, PollForSourceChanges: "false" },
        outputArtifacts: [{ name: "Src" }],
      },
    ],
  };
}
