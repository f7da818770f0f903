import type { ArtifactsTarget } from "../../runner/api.js";
import { s3ObjectArn } from "./arns.js";

/**
 * The S3 key of a build's artifact as AWS lays it out: `<path>/<build uuid if namespaceType is
 * BUILD_ID>/<name>`, empty parts left out. With packaging ZIP the key is the zip; with NONE it is
 * the folder the files go under.
 */
export function artifactKey(
  target: Pick<ArtifactsTarget, "path" | "namespaceType" | "name">,
  buildUuid: string,
): string {
  return [target.path, target.namespaceType === "BUILD_ID" ? buildUuid : undefined, target.name]
    .filter((part): part is string => !!part)
    .map((part) => part.replace(/^\/+|\/+$/g, ""))
    .filter((part) => part !== "")
    .join("/");
}

/** `arn:aws:s3:::<bucket>/<key>`, the artifact location BatchGetBuilds reports. */
export function artifactLocation(bucket: string, key: string): string {
  return s3ObjectArn(bucket, key);
}
