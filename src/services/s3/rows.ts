import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, DialectName } from "../../platform/store/index.js";
import { noSuchBucket } from "./errors.js";
import type { ChecksumAlgorithm, ChecksumType, ObjectInfo, Owner, S3Deps, StoredHeaders } from "./types.js";

/** Largest single PUT (and part) S3 accepts: 5 GiB. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

type ObjectRow = Database["s3_objects"];

/** An `s3_objects` row as {@link ObjectInfo}. */
export function toObjectInfo(row: ObjectRow): ObjectInfo {
  return {
    bucket: row.bucket,
    key: row.key,
    blobId: row.blob_id,
    size: Number(row.size),
    etag: row.etag,
    contentType: row.content_type,
    headers: parseJson(row.headers) as StoredHeaders,
    metadata: parseJson(row.metadata) as Record<string, string>,
    lastModified: Number(row.last_modified),
    checksum:
      row.checksum_algorithm && row.checksum_value
        ? {
            algorithm: row.checksum_algorithm as ChecksumAlgorithm,
            value: row.checksum_value,
            type: (row.checksum_type ?? "FULL_OBJECT") as ChecksumType,
          }
        : undefined,
    partsCount: row.parts_count ?? undefined,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** The account's owner record: S3 shows a 64-hex canonical user id, derived here from the account. */
export function ownerOf(accountId: string): Owner {
  return { id: createHash("sha256").update(`pipewright:${accountId}`).digest("hex"), displayName: accountId };
}

/**
 * Locks the bucket's row for the rest of the transaction (PostgreSQL; SQLite has one writer at a
 * time anyway) and throws `NoSuchBucket` when it is gone. Every object write takes this lock, so
 * overwrites of one key cannot lose track of a replaced blob, and DeleteBucket cannot race a PUT.
 */
export async function lockBucket(trx: Kysely<Database>, dialect: DialectName, bucket: string): Promise<void> {
  const row = await trx
    .selectFrom("s3_buckets")
    .select("name")
    .where("name", "=", bucket)
    .$if(dialect === "postgres", (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw noSuchBucket(bucket);
}

/** Throws `NoSuchBucket` unless the bucket exists; a cheap check before a body is streamed. */
export async function requireBucket(deps: S3Deps, bucket: string): Promise<void> {
  const row = await deps.store.db
    .selectFrom("s3_buckets")
    .select("name")
    .where("name", "=", bucket)
    .executeTakeFirst();
  if (!row) throw noSuchBucket(bucket);
}

/** Deletes blobs no row refers to any more; a failure only leaves an orphan, so it is logged. */
export async function deleteBlobs(deps: S3Deps, ids: Iterable<string | undefined>): Promise<void> {
  for (const id of ids) {
    if (!id) continue;
    await deps.blobs
      .delete(id)
      .catch((err: unknown) => deps.logger.warn({ err, blobId: id }, "could not delete blob"));
  }
}

/** `"<hex>"`: an ETag as S3 quotes it. */
export function quoteEtag(md5Hex: string): string {
  return `"${md5Hex}"`;
}

/** An ETag without quotes or a weak marker, for comparisons. */
export function bareEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, "")
    .replace(/^"(.*)"$/, "$1");
}
