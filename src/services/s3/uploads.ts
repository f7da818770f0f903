import type { Kysely } from "kysely";
import type { Database, DialectName } from "../../platform/store/index.js";
import { noSuchBucket, noSuchUpload } from "./errors.js";
import { successor } from "./listing.js";
import { ownerOf, requireBucket } from "./rows.js";
import type { ChecksumAlgorithm, Owner, S3Deps } from "./types.js";

/** An `s3_uploads` row. */
export type UploadRow = Database["s3_uploads"];

/**
 * Finds an upload by id, bucket and key (an id used with another key does not exist), or throws
 * NoSuchBucket / NoSuchUpload. With `lockOn` set (inside a transaction), the row is locked on
 * PostgreSQL; SQLite has one writer at a time anyway.
 */
export async function loadUpload(
  db: Kysely<Database>,
  ref: { bucket: string; key: string; uploadId: string },
  lockOn?: DialectName,
): Promise<UploadRow> {
  const row = await db
    .selectFrom("s3_uploads")
    .selectAll()
    .where("upload_id", "=", ref.uploadId)
    .$if(lockOn === "postgres", (q) => q.forUpdate())
    .executeTakeFirst();
  if (row && row.bucket === ref.bucket && row.key === ref.key) return row;
  const bucket = await db
    .selectFrom("s3_buckets")
    .select("name")
    .where("name", "=", ref.bucket)
    .executeTakeFirst();
  if (!bucket) throw noSuchBucket(ref.bucket);
  throw noSuchUpload(ref.uploadId);
}

/** One stored part, as ListParts shows it. */
export interface PartSummary {
  partNumber: number;
  size: number;
  etag: string;
  lastModified: number;
  checksum?: string;
}

/** One page of ListParts. */
export interface PartListing {
  upload: UploadRow;
  owner: Owner;
  parts: PartSummary[];
  isTruncated: boolean;
  nextPartNumberMarker?: number;
  checksumAlgorithm?: ChecksumAlgorithm;
}

/** ListParts, in part-number order after `partNumberMarker`. */
export async function listParts(
  deps: S3Deps,
  ref: { bucket: string; key: string; uploadId: string; maxParts?: number; partNumberMarker?: number },
): Promise<PartListing> {
  const upload = await loadUpload(deps.store.db, ref);
  const maxParts = Math.min(Math.max(ref.maxParts ?? 1000, 0), 1000);
  const rows = await deps.store.db
    .selectFrom("s3_upload_parts")
    .selectAll()
    .where("upload_id", "=", ref.uploadId)
    .where("part_number", ">", ref.partNumberMarker ?? 0)
    .orderBy("part_number")
    .limit(maxParts + 1)
    .execute();
  const page = rows.slice(0, maxParts);
  return {
    upload,
    owner: ownerOf(deps.accountId),
    parts: page.map((p) => ({
      partNumber: p.part_number,
      size: Number(p.size),
      etag: p.etag,
      lastModified: Number(p.last_modified),
      checksum: p.checksum_value ?? undefined,
    })),
    isTruncated: rows.length > maxParts,
    nextPartNumberMarker: page.at(-1)?.part_number,
    checksumAlgorithm: (upload.checksum_algorithm as ChecksumAlgorithm | null) ?? undefined,
  };
}

/** ListMultipartUploads' query. */
export interface ListUploadsInput {
  bucket: string;
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
  maxUploads?: number;
}

/** One page of ListMultipartUploads. */
export interface UploadListing {
  owner: Owner;
  uploads: UploadRow[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

/** Where a page of uploads resumes: after this key, or after this upload of this key. */
interface UploadCursor {
  key: string;
  uploadId?: string;
}

/**
 * ListMultipartUploads, by key then upload id, from the (bucket, key, upload_id) index a page at a
 * time. With a delimiter, a common prefix is reported once and the next read starts past every key
 * under it, as object listings do.
 */
export async function listUploads(deps: S3Deps, input: ListUploadsInput): Promise<UploadListing> {
  await requireBucket(deps, input.bucket);
  const prefix = input.prefix ?? "";
  const maxUploads = Math.min(Math.max(input.maxUploads ?? 1000, 0), 1000);
  const listing: UploadListing = {
    owner: ownerOf(deps.accountId),
    uploads: [],
    commonPrefixes: [],
    isTruncated: false,
  };
  const rollUp = (key: string): string | undefined => {
    const at = input.delimiter ? key.indexOf(input.delimiter, prefix.length) : -1;
    return at < 0 ? undefined : key.slice(0, at + input.delimiter!.length);
  };
  let from = prefix;
  let after: UploadCursor | undefined;
  if (input.keyMarker !== undefined) {
    // A key marker that is a common prefix (the end of the previous page) has had every key under it reported.
    const past = rollUp(input.keyMarker) === input.keyMarker ? successor(input.keyMarker) : undefined;
    if (past !== undefined) from = past > from ? past : from;
    else after = { key: input.keyMarker, uploadId: input.uploadIdMarker || undefined };
  }
  const batch = maxUploads + 1;
  let count = 0;
  for (;;) {
    const rows = await uploadsFrom(deps, input.bucket, from, after, batch);
    let jumped = false;
    for (const row of rows) {
      if (!row.key.startsWith(prefix)) return listing;
      const common = rollUp(row.key);
      if (common !== undefined && listing.commonPrefixes.at(-1) === common) continue;
      if (count === maxUploads) {
        listing.isTruncated = true;
        return listing;
      }
      count++;
      if (common === undefined) {
        listing.uploads.push(row);
        listing.nextKeyMarker = row.key;
        listing.nextUploadIdMarker = row.upload_id;
        continue;
      }
      listing.commonPrefixes.push(common);
      listing.nextKeyMarker = common;
      listing.nextUploadIdMarker = undefined;
      const next = successor(common);
      if (next !== undefined) {
        from = next;
        after = undefined;
        jumped = true;
        break;
      }
    }
    if (jumped) continue;
    if (rows.length < batch) return listing;
    const last = rows.at(-1)!;
    after = { key: last.key, uploadId: last.upload_id };
  }
}

/** Up to `limit` uploads of `bucket` with keys from `from`, after `after`, in (key, upload id) order. */
async function uploadsFrom(
  deps: S3Deps,
  bucket: string,
  from: string,
  after: UploadCursor | undefined,
  limit: number,
): Promise<UploadRow[]> {
  return await deps.store.db
    .selectFrom("s3_uploads")
    .selectAll()
    .where("bucket", "=", bucket)
    .where("key", ">=", from)
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        after!.uploadId === undefined
          ? eb("key", ">", after!.key)
          : eb.or([
              eb("key", ">", after!.key),
              eb.and([eb("key", "=", after!.key), eb("upload_id", ">", after!.uploadId)]),
            ]),
      ),
    )
    .orderBy("key")
    .orderBy("upload_id")
    .limit(limit)
    .execute();
}
