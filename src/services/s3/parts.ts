import { BlobNotFoundError, type BlobRange } from "../../platform/blobs/index.js";
import { checkReadConditions, resolveRange } from "./conditions.js";
import { invalidArgument } from "./errors.js";
import { headObject, storeBody } from "./objects.js";
import { deleteBlobs, quoteEtag } from "./rows.js";
import {
  CHECKSUM_DIGESTS,
  type ChecksumAlgorithm,
  type Conditions,
  type IncomingBody,
  type S3Deps,
} from "./types.js";
import { loadUpload } from "./uploads.js";

/** Identifies one upload. */
export interface UploadRef {
  bucket: string;
  key: string;
  uploadId: string;
}

/** What UploadPart and UploadPartCopy report. */
export interface PartResult {
  etag: string;
  lastModified: number;
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
}

function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
    throw invalidArgument(
      "Part number must be an integer between 1 and 10000, inclusive",
      "partNumber",
      String(partNumber),
    );
  }
}

/** UploadPart: stores the part (replacing an earlier part of the same number). */
export async function uploadPart(
  deps: S3Deps,
  ref: UploadRef & { partNumber: number; body: IncomingBody },
): Promise<PartResult> {
  checkPartNumber(ref.partNumber);
  const upload = await loadUpload(deps.store.db, ref);
  const algorithm = (upload.checksum_algorithm as ChecksumAlgorithm | null) ?? ref.body.checksumAlgorithm;
  const blob = await storeBody(deps, ref.body, algorithm ? [CHECKSUM_DIGESTS[algorithm]] : []);
  const digest = algorithm ? blob.digests[CHECKSUM_DIGESTS[algorithm]] : undefined;
  const checksum = algorithm && digest ? { algorithm, value: digest.toString("base64") } : undefined;
  const etag = quoteEtag(blob.md5.toString("hex"));
  const lastModified = deps.now();
  let replaced: string | undefined;
  try {
    replaced = await deps.store.transaction(async (trx) => {
      await loadUpload(trx, ref, deps.store.dialect);
      const previous = await trx
        .selectFrom("s3_upload_parts")
        .select("blob_id")
        .where("upload_id", "=", ref.uploadId)
        .where("part_number", "=", ref.partNumber)
        .executeTakeFirst();
      const values = {
        blob_id: blob.id,
        size: blob.size,
        etag,
        checksum_value: checksum?.value ?? null,
        last_modified: lastModified,
      };
      await trx
        .insertInto("s3_upload_parts")
        .values({ upload_id: ref.uploadId, part_number: ref.partNumber, ...values })
        .onConflict((oc) => oc.columns(["upload_id", "part_number"]).doUpdateSet(values))
        .execute();
      return previous?.blob_id;
    });
  } catch (err) {
    await deleteBlobs(deps, [blob.id]);
    throw err;
  }
  await deleteBlobs(deps, [replaced]);
  return { etag, lastModified, checksum };
}

/** UploadPartCopy: a part made of a range of an existing object. */
export async function uploadPartCopy(
  deps: S3Deps,
  ref: UploadRef & {
    partNumber: number;
    source: { bucket: string; key: string };
    /** `x-amz-copy-source-range`, as sent. */
    sourceRange?: string;
    sourceConditions: Conditions;
  },
): Promise<PartResult> {
  checkPartNumber(ref.partNumber);
  await loadUpload(deps.store.db, ref);
  for (let attempt = 0; ; attempt++) {
    const source = await headObject(deps, ref.source.bucket, ref.source.key);
    checkReadConditions(source, ref.sourceConditions, true);
    let range: BlobRange | undefined;
    if (ref.sourceRange !== undefined) {
      range = resolveRange(ref.sourceRange, source.size);
      if (!range || !/^bytes=\d+-\d+$/.test(ref.sourceRange.trim())) {
        throw invalidArgument(
          "The x-amz-copy-source-range value must be of the form bytes=first-last",
          "x-amz-copy-source-range",
          ref.sourceRange,
        );
      }
    }
    let stream;
    try {
      stream = await deps.blobs.open(source.blobId, range);
    } catch (err) {
      if (err instanceof BlobNotFoundError && attempt < 3) continue;
      throw err;
    }
    return uploadPart(deps, { ...ref, body: { stream, digests: [], verify: () => undefined } });
  }
}
