import type { Readable } from "node:stream";
import {
  BlobNotFoundError,
  BlobTooLargeError,
  type BlobRange,
  type DigestName,
  type StoredBlob,
} from "../../platform/blobs/index.js";
import type { Database } from "../../platform/store/index.js";
import { commitObject } from "./commit.js";
import { checkReadConditions, resolveRange } from "./conditions.js";
import { noSuchBucket, noSuchKey, s3Error } from "./errors.js";
import { validateKey } from "./names.js";
import { MAX_PUT_BYTES, deleteBlobs, lockBucket, quoteEtag, requireBucket, toObjectInfo } from "./rows.js";
import {
  CHECKSUM_DIGESTS,
  type Checksum,
  type Conditions,
  type IncomingBody,
  type ObjectAttributes,
  type ObjectInfo,
  type S3Deps,
} from "./types.js";

/** PutObject's input. */
export interface PutObjectInput extends ObjectAttributes {
  bucket: string;
  key: string;
  body: IncomingBody;
  /** Write conditions: `If-None-Match: *`, `If-Match`. */
  conditions?: Conditions;
}

/** What a stored object's writer learns. */
export interface PutObjectResult {
  etag: string;
  checksum?: Checksum;
  lastModified: number;
}

/** The default Content-Type of an object stored without one, as S3. */
export const DEFAULT_CONTENT_TYPE = "binary/octet-stream";

/**
 * Streams a body into the blob store, applying the adapter's integrity checks before the blob is
 * committed, and maps a too-large body to S3's `EntityTooLarge`.
 */
export async function storeBody(
  deps: S3Deps,
  body: IncomingBody,
  extraDigests: readonly DigestName[] = [],
): Promise<StoredBlob> {
  const algorithm = body.checksumAlgorithm;
  const digests = [...body.digests, ...extraDigests, ...(algorithm ? [CHECKSUM_DIGESTS[algorithm]] : [])];
  try {
    return await deps.blobs.put(body.stream, {
      digests,
      maxSize: MAX_PUT_BYTES,
      sizeHint: body.declaredSize,
      verify: body.verify,
    });
  } catch (err) {
    if (err instanceof BlobTooLargeError) {
      throw s3Error("EntityTooLarge", undefined, { MaxSizeAllowed: MAX_PUT_BYTES });
    }
    throw err;
  }
}

/** The checksum of a stored blob in the algorithm the client declared, if it declared one. */
export function bodyChecksum(body: IncomingBody, blob: StoredBlob): Checksum | undefined {
  const algorithm = body.checksumAlgorithm;
  const digest = algorithm && blob.digests[CHECKSUM_DIGESTS[algorithm]];
  return algorithm && digest
    ? { algorithm, value: digest.toString("base64"), type: "FULL_OBJECT" }
    : undefined;
}

/** PutObject: the body is stored whole and verified, then becomes the object in one commit. */
export async function putObject(deps: S3Deps, input: PutObjectInput): Promise<PutObjectResult> {
  validateKey(input.key);
  await requireBucket(deps, input.bucket);
  const blob = await storeBody(deps, input.body);
  const etag = quoteEtag(blob.md5.toString("hex"));
  const checksum = bodyChecksum(input.body, blob);
  const lastModified = deps.now();
  await commitObject(
    deps,
    {
      bucket: input.bucket,
      key: input.key,
      blob_id: blob.id,
      size: blob.size,
      etag,
      content_type: input.contentType ?? DEFAULT_CONTENT_TYPE,
      headers: JSON.stringify(input.headers),
      metadata: JSON.stringify(input.metadata),
      checksum_algorithm: checksum?.algorithm ?? null,
      checksum_value: checksum?.value ?? null,
      checksum_type: checksum?.type ?? null,
      parts_count: null,
      last_modified: lastModified,
    },
    { reason: "PutObject", conditions: input.conditions },
  );
  return { etag, checksum, lastModified };
}

/** HeadObject: the object's metadata, or NoSuchBucket / NoSuchKey. */
export async function headObject(deps: S3Deps, bucket: string, key: string): Promise<ObjectInfo> {
  const row = await deps.store.db
    .selectFrom("s3_buckets as b")
    .leftJoin("s3_objects as o", (join) => join.onRef("o.bucket", "=", "b.name").on("o.key", "=", key))
    .selectAll("o")
    .select("b.name as bucket_name")
    .where("b.name", "=", bucket)
    .executeTakeFirst();
  if (!row) throw noSuchBucket(bucket);
  if (row.blob_id === null) throw noSuchKey(key);
  // The left join makes every object column nullable; blob_id being set means the row exists.
  return toObjectInfo({ ...row, bucket, key } as Database["s3_objects"]);
}

/** GetObject's input. */
export interface GetObjectInput {
  bucket: string;
  key: string;
  /** A `Range` header, as sent. */
  range?: string;
  conditions?: Conditions;
}

/** An object opened for reading; `range` is set for a partial (206) response. */
export interface OpenedObject {
  info: ObjectInfo;
  body: Readable;
  range?: BlobRange;
}

/**
 * GetObject. The metadata is read, then the blob opened; if an overwrite replaced the blob in
 * between, the read starts over with the new metadata, so body and headers always agree.
 */
export async function getObject(deps: S3Deps, input: GetObjectInput): Promise<OpenedObject> {
  for (let attempt = 0; ; attempt++) {
    const info = await headObject(deps, input.bucket, input.key);
    checkReadConditions(info, input.conditions ?? {});
    const range = resolveRange(input.range, info.size);
    try {
      return { info, body: await deps.blobs.open(info.blobId, range), range };
    } catch (err) {
      if (!(err instanceof BlobNotFoundError) || attempt >= 3) throw err;
    }
  }
}

/** HeadObject with conditions (HEAD answers 304/412 like GET). */
export async function headObjectIf(
  deps: S3Deps,
  input: GetObjectInput,
): Promise<{ info: ObjectInfo; range?: BlobRange }> {
  const info = await headObject(deps, input.bucket, input.key);
  checkReadConditions(info, input.conditions ?? {});
  return { info, range: resolveRange(input.range, info.size) };
}

/** DeleteObject: deleting a missing key succeeds, as in S3. */
export async function deleteObject(deps: S3Deps, bucket: string, key: string): Promise<void> {
  const results = await deleteObjects(deps, bucket, [key]);
  const failed = results.find((r) => r.error);
  if (failed?.error) throw failed.error;
}

/** One key's outcome in DeleteObjects. */
export interface DeleteResult {
  key: string;
  error?: ReturnType<typeof s3Error>;
}

/** DeleteObjects: every key in one transaction; a key that cannot exist gets its own error. */
export async function deleteObjects(
  deps: S3Deps,
  bucket: string,
  keys: readonly string[],
): Promise<DeleteResult[]> {
  const results: DeleteResult[] = keys.map((key) => {
    try {
      validateKey(key);
      return { key };
    } catch (err) {
      return { key, error: err as ReturnType<typeof s3Error> };
    }
  });
  const valid = [...new Set(results.filter((r) => !r.error).map((r) => r.key))];
  const blobIds = await deps.store.transaction(async (trx) => {
    await lockBucket(trx, deps.store.dialect, bucket);
    const ids: string[] = [];
    for (let i = 0; i < valid.length; i += 500) {
      const batch = valid.slice(i, i + 500);
      const rows = await trx
        .selectFrom("s3_objects")
        .select("blob_id")
        .where("bucket", "=", bucket)
        .where("key", "in", batch)
        .execute();
      ids.push(...rows.map((r) => r.blob_id));
      await trx.deleteFrom("s3_objects").where("bucket", "=", bucket).where("key", "in", batch).execute();
    }
    return ids;
  });
  await deleteBlobs(deps, blobIds);
  return results;
}
