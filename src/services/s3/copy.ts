import { BlobNotFoundError } from "../../platform/blobs/index.js";
import { commitObject } from "./commit.js";
import { checkReadConditions } from "./conditions.js";
import { s3Error } from "./errors.js";
import { validateKey } from "./names.js";
import { headObject } from "./objects.js";
import { requireBucket } from "./rows.js";
import type { Conditions, ObjectAttributes, ObjectInfo, S3Deps } from "./types.js";

/** CopyObject's input. */
export interface CopyObjectInput {
  source: { bucket: string; key: string };
  bucket: string;
  key: string;
  /** COPY (default) keeps the source's metadata; REPLACE takes {@link attributes}. */
  metadataDirective: "COPY" | "REPLACE";
  attributes: ObjectAttributes;
  /** `x-amz-copy-source-if-*`: any failure is 412. */
  sourceConditions: Conditions;
  /** Write conditions on the target. */
  conditions?: Conditions;
}

/** What CopyObject reports. */
export interface CopyObjectResult {
  etag: string;
  lastModified: number;
  source: ObjectInfo;
}

/**
 * CopyObject. The bytes are not read: the source blob is copied by the blob store (a hard link on
 * disk), and the copy keeps the source's ETag and checksum, since its bytes are the same.
 */
export async function copyObject(deps: S3Deps, input: CopyObjectInput): Promise<CopyObjectResult> {
  validateKey(input.key);
  const sameObject = input.source.bucket === input.bucket && input.source.key === input.key;
  if (sameObject && input.metadataDirective === "COPY") {
    throw s3Error(
      "InvalidRequest",
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  await requireBucket(deps, input.bucket);
  const { source, blobId } = await copySourceBlob(deps, input.source, input.sourceConditions);
  const attributes: ObjectAttributes =
    input.metadataDirective === "COPY"
      ? { contentType: source.contentType, headers: source.headers, metadata: source.metadata }
      : input.attributes;
  const lastModified = deps.now();
  await commitObject(
    deps,
    {
      bucket: input.bucket,
      key: input.key,
      blob_id: blobId,
      size: source.size,
      etag: source.etag,
      content_type: attributes.contentType ?? source.contentType,
      headers: JSON.stringify(attributes.headers),
      metadata: JSON.stringify(attributes.metadata),
      checksum_algorithm: source.checksum?.algorithm ?? null,
      checksum_value: source.checksum?.value ?? null,
      checksum_type: source.checksum?.type ?? null,
      parts_count: source.partsCount ?? null,
      last_modified: lastModified,
    },
    { reason: "CopyObject", conditions: input.conditions },
  );
  return { etag: source.etag, lastModified, source };
}

/** Reads a copy source's metadata, checks its conditions and copies its blob, retrying once if an overwrite raced. */
async function copySourceBlob(
  deps: S3Deps,
  ref: { bucket: string; key: string },
  conditions: Conditions,
): Promise<{ source: ObjectInfo; blobId: string }> {
  for (let attempt = 0; ; attempt++) {
    const source = await headObject(deps, ref.bucket, ref.key);
    checkReadConditions(source, conditions, true);
    try {
      return { source, blobId: await deps.blobs.copy(source.blobId) };
    } catch (err) {
      if (!(err instanceof BlobNotFoundError) || attempt >= 3) throw err;
    }
  }
}
