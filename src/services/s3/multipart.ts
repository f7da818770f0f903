import { randomBytes } from "node:crypto";
import { BlobNotFoundError, createDigest } from "../../platform/blobs/index.js";
import { commitObject } from "./commit.js";
import { noSuchUpload, s3Error } from "./errors.js";
import { validateKey } from "./names.js";
import { DEFAULT_CONTENT_TYPE } from "./objects.js";
import { bareEtag, deleteBlobs, quoteEtag, requireBucket } from "./rows.js";
import {
  CHECKSUM_DIGESTS,
  type ChecksumAlgorithm,
  type ChecksumType,
  type ObjectAttributes,
  type S3Caller,
  type S3Deps,
} from "./types.js";
import { loadUpload } from "./uploads.js";
import type { UploadRef } from "./parts.js";

/** S3's smallest part (all but the last): 5 MiB. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/** CreateMultipartUpload's input. */
export interface CreateUploadInput extends ObjectAttributes {
  bucket: string;
  key: string;
  checksumAlgorithm?: ChecksumAlgorithm;
  /** Default COMPOSITE, as S3 (FULL_OBJECT is computed over the assembled object). */
  checksumType?: ChecksumType;
}

/** CreateMultipartUpload: records the upload and its future object's attributes. */
export async function createMultipartUpload(
  deps: S3Deps,
  caller: S3Caller,
  input: CreateUploadInput,
): Promise<string> {
  validateKey(input.key);
  await requireBucket(deps, input.bucket);
  const uploadId = randomBytes(32).toString("base64url");
  await deps.store.db
    .insertInto("s3_uploads")
    .values({
      upload_id: uploadId,
      bucket: input.bucket,
      key: input.key,
      content_type: input.contentType ?? DEFAULT_CONTENT_TYPE,
      headers: JSON.stringify(input.headers),
      metadata: JSON.stringify(input.metadata),
      checksum_algorithm: input.checksumAlgorithm ?? null,
      checksum_type: input.checksumAlgorithm ? (input.checksumType ?? "COMPOSITE") : null,
      initiator_arn: caller.arn,
      initiated_at: deps.now(),
    })
    .execute();
  return uploadId;
}

/** One part as CompleteMultipartUpload lists it. */
export interface CompletedPart {
  partNumber: number;
  etag: string;
  /** A part checksum the client sent (`ChecksumCRC32`, …), checked against the stored one. */
  checksum?: string;
}

/** What CompleteMultipartUpload reports. */
export interface CompleteResult {
  etag: string;
  checksum?: { algorithm: ChecksumAlgorithm; value: string; type: ChecksumType };
}

/**
 * CompleteMultipartUpload. Checks the part list as S3 does (order, ETags, sizes), writes the parts
 * into one new blob while computing a full-object checksum if asked, then in one transaction makes
 * it the object and removes the upload. The ETag is S3's: MD5 of the parts' binary MD5s, `-<count>`.
 */
export async function completeMultipartUpload(
  deps: S3Deps,
  ref: UploadRef & { parts: readonly CompletedPart[] },
): Promise<CompleteResult> {
  if (ref.parts.length === 0) {
    throw s3Error(
      "MalformedXML",
      "The XML you provided was not well-formed or did not validate against our published schema: no parts were listed",
    );
  }
  for (let i = 1; i < ref.parts.length; i++) {
    if (ref.parts[i]!.partNumber <= ref.parts[i - 1]!.partNumber) throw s3Error("InvalidPartOrder");
  }
  const upload = await loadUpload(deps.store.db, ref);
  const stored = await deps.store.db
    .selectFrom("s3_upload_parts")
    .selectAll()
    .where("upload_id", "=", ref.uploadId)
    .execute();
  const byNumber = new Map(stored.map((p) => [p.part_number, p]));
  const minPart = deps.minPartSize ?? MIN_PART_BYTES;
  const parts = ref.parts.map((listed, i) => {
    const part = byNumber.get(listed.partNumber);
    if (!part || bareEtag(part.etag) !== bareEtag(listed.etag)) {
      throw s3Error("InvalidPart", undefined, {
        UploadId: ref.uploadId,
        PartNumber: listed.partNumber,
        ETag: listed.etag,
      });
    }
    if (
      listed.checksum !== undefined &&
      part.checksum_value !== null &&
      listed.checksum !== part.checksum_value
    ) {
      throw s3Error(
        "InvalidPart",
        `The checksum of part ${listed.partNumber} does not match the checksum uploaded with it.`,
        {
          UploadId: ref.uploadId,
          PartNumber: listed.partNumber,
        },
      );
    }
    if (i < ref.parts.length - 1 && Number(part.size) < minPart) {
      throw s3Error("EntityTooSmall", undefined, {
        ProposedSize: Number(part.size),
        MinSizeAllowed: minPart,
        PartNumber: listed.partNumber,
        ETag: part.etag,
      });
    }
    return part;
  });

  const md5s = createDigest("md5");
  for (const part of parts) md5s.update(Buffer.from(bareEtag(part.etag), "hex"));
  const etag = quoteEtag(`${md5s.digest().toString("hex")}-${parts.length}`);
  const algorithm = upload.checksum_algorithm as ChecksumAlgorithm | null;
  const checksumType = (upload.checksum_type ?? "COMPOSITE") as ChecksumType;
  const fullDigest = algorithm && checksumType === "FULL_OBJECT" ? CHECKSUM_DIGESTS[algorithm] : undefined;

  let blob;
  try {
    blob = await deps.blobs.concat(
      parts.map((p) => p.blob_id),
      { digests: fullDigest ? [fullDigest] : [] },
    );
  } catch (err) {
    if (err instanceof BlobNotFoundError) throw noSuchUpload(ref.uploadId);
    throw err;
  }
  const checksum = algorithm
    ? multipartChecksum(algorithm, checksumType, parts, fullDigest && blob.digests[fullDigest])
    : undefined;
  await commitObject(
    deps,
    {
      bucket: ref.bucket,
      key: ref.key,
      blob_id: blob.id,
      size: blob.size,
      etag,
      content_type: upload.content_type,
      headers: upload.headers,
      metadata: upload.metadata,
      checksum_algorithm: checksum?.algorithm ?? null,
      checksum_value: checksum?.value ?? null,
      checksum_type: checksum?.type ?? null,
      parts_count: parts.length,
      last_modified: deps.now(),
    },
    {
      reason: "CompleteMultipartUpload",
      // The upload must still exist when the object appears: a concurrent abort or complete wins otherwise.
      alsoInTransaction: async (trx) => {
        await loadUpload(trx, ref, deps.store.dialect);
        await trx.deleteFrom("s3_upload_parts").where("upload_id", "=", ref.uploadId).execute();
        await trx.deleteFrom("s3_uploads").where("upload_id", "=", ref.uploadId).execute();
      },
    },
  );
  await deleteBlobs(
    deps,
    stored.map((p) => p.blob_id),
  );
  return { etag, checksum };
}

function multipartChecksum(
  algorithm: ChecksumAlgorithm,
  type: ChecksumType,
  parts: ReadonlyArray<{ checksum_value: string | null }>,
  full: Buffer | undefined,
): CompleteResult["checksum"] {
  if (type === "FULL_OBJECT") return full && { algorithm, value: full.toString("base64"), type };
  // COMPOSITE: the checksum of the parts' binary checksums, then -<count>, as S3 computes it.
  if (parts.some((p) => p.checksum_value === null)) return undefined;
  const digest = createDigest(CHECKSUM_DIGESTS[algorithm]);
  for (const part of parts) digest.update(Buffer.from(part.checksum_value!, "base64"));
  return { algorithm, value: `${digest.digest().toString("base64")}-${parts.length}`, type };
}

/** AbortMultipartUpload: the upload and its parts are gone. */
export async function abortMultipartUpload(deps: S3Deps, ref: UploadRef): Promise<void> {
  const blobIds = await deps.store.transaction(async (trx) => {
    await loadUpload(trx, ref, deps.store.dialect);
    const parts = await trx
      .selectFrom("s3_upload_parts")
      .select("blob_id")
      .where("upload_id", "=", ref.uploadId)
      .execute();
    await trx.deleteFrom("s3_upload_parts").where("upload_id", "=", ref.uploadId).execute();
    await trx.deleteFrom("s3_uploads").where("upload_id", "=", ref.uploadId).execute();
    return parts.map((p) => p.blob_id);
  });
  await deleteBlobs(deps, blobIds);
}
