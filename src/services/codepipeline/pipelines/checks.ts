import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { ArtifactBuckets } from "../deps.js";
import { codepipelineError } from "../errors.js";
import type { Tag } from "./shapes.js";
import { artifactStoreError, type CheckedPipeline } from "./structure.js";

/**
 * Every artifact bucket a pipeline names exists in this server's S3, in the region it is named
 * for (InvalidStructureException naming the bucket and how to make it).
 */
export async function checkArtifactBuckets(
  executor: Kysely<Database>,
  buckets: ArtifactBuckets,
  checked: Pick<CheckedPipeline, "artifactBuckets">,
): Promise<void> {
  for (const { region, bucket } of checked.artifactBuckets) {
    const where = await buckets.bucketRegion(executor, bucket);
    if (where === undefined) {
      throw artifactStoreError(
        `The artifact store bucket "${bucket}" does not exist on this server; create it first (aws s3 mb s3://${bucket}) or name an existing bucket.`,
      );
    }
    if (where !== region) {
      throw artifactStoreError(
        `The artifact store bucket "${bucket}" is in region ${where}, but it is named as the bucket for ${region}; each region's artifact bucket must be in that region.`,
      );
    }
  }
}

/** AWS's tag rules: at most 50, unique keys, `aws:` keys reserved, letters, digits, spaces and `+-=._:/@`. */
export function checkTags(tags: readonly Tag[], field = "tags"): Tag[] {
  if (tags.length > 50) {
    throw codepipelineError(
      "TooManyTagsException",
      `${field} has ${tags.length} tags; a resource can have at most 50.`,
    );
  }
  const keys = new Set<string>();
  for (const tag of tags) {
    checkTagKey(tag.key, field);
    if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(tag.value)) {
      throw codepipelineError(
        "InvalidTagsException",
        `Tag "${tag.key}" has a value with characters tags cannot hold; use letters, digits, spaces and + - = . _ : / @.`,
      );
    }
    if (keys.has(tag.key))
      throw codepipelineError("InvalidTagsException", `Tag key "${tag.key}" is given twice in ${field}.`);
    keys.add(tag.key);
  }
  return [...tags];
}

/** A tag key: not `aws:`, and of the allowed characters. */
export function checkTagKey(key: string, field = "tags"): void {
  if (key.toLowerCase().startsWith("aws:")) {
    throw codepipelineError(
      "InvalidTagsException",
      `Tag key "${key}" in ${field} starts with aws:, which is reserved for AWS.`,
    );
  }
  if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u.test(key)) {
    throw codepipelineError(
      "InvalidTagsException",
      `Tag key ${JSON.stringify(key)} in ${field} has characters tags cannot hold; use letters, digits, spaces and + - = . _ : / @.`,
    );
  }
}

/** `existing` with `added` set over it (same key: the new value), at most 50 in all. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const merged = new Map(existing.map((t) => [t.key, t.value]));
  for (const tag of added) merged.set(tag.key, tag.value);
  if (merged.size > 50) {
    throw codepipelineError(
      "TooManyTagsException",
      `The pipeline would have ${merged.size} tags; a resource can have at most 50.`,
    );
  }
  return [...merged].map(([key, value]) => ({ key, value }));
}
