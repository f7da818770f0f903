import { compareKeys } from "./names.js";
import { getBucket } from "./buckets.js";
import type { ChecksumAlgorithm, S3Deps } from "./types.js";

/** ListObjects' query, common to v1 and v2. */
export interface ListObjectsInput {
  bucket: string;
  /** Only keys starting with this; default "". */
  prefix?: string;
  /** Roll keys up to the first delimiter after the prefix into CommonPrefixes. */
  delimiter?: string;
  /** At most this many keys plus common prefixes; S3 caps it at 1000 (the default). */
  maxKeys?: number;
  /** Start after this key (v1 Marker, v2 StartAfter or continuation token). */
  after?: string;
}

/** One key in a listing. */
export interface ObjectSummary {
  key: string;
  size: number;
  etag: string;
  lastModified: number;
  checksumAlgorithm?: ChecksumAlgorithm;
}

/** One page of a listing. */
export interface ObjectListing {
  objects: ObjectSummary[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned: where the next page starts. */
  last?: string;
}

const MAX_KEYS = 1000;

/**
 * Lists keys in UTF-8 byte order. Keys come from the primary-key index in batches starting at a
 * lower bound; a common prefix is emitted once and the bound then jumps past every key under it,
 * so a prefix holding a million keys costs one query, not a million rows.
 */
export async function listObjects(deps: S3Deps, input: ListObjectsInput): Promise<ObjectListing> {
  await getBucket(deps, input.bucket);
  const prefix = input.prefix ?? "";
  const delimiter = input.delimiter || undefined;
  const maxKeys = Math.min(Math.max(input.maxKeys ?? MAX_KEYS, 0), MAX_KEYS);
  const listing: ObjectListing = { objects: [], commonPrefixes: [], isTruncated: false };
  if (maxKeys === 0) return listing;

  const rollUp = (key: string): string | undefined => {
    if (!delimiter) return undefined;
    const at = key.indexOf(delimiter, prefix.length);
    return at < 0 ? undefined : key.slice(0, at + delimiter.length);
  };

  let bound = startBound(input.after, prefix, rollUp);
  // A previous page that ended on a common prefix has already reported every key under it.
  let skipUnder = input.after !== undefined && rollUp(input.after) === input.after ? input.after : undefined;
  const batch = delimiter ? Math.min(maxKeys + 1, 100) : maxKeys + 1;
  let count = 0;
  for (;;) {
    const rows = await deps.store.db
      .selectFrom("s3_objects")
      .select(["key", "size", "etag", "last_modified", "checksum_algorithm"])
      .where("bucket", "=", input.bucket)
      .where("key", bound.inclusive ? ">=" : ">", bound.key)
      .orderBy("key")
      .limit(batch)
      .execute();
    let jumped = false;
    for (const row of rows) {
      // Keys are sorted and the bound is at or past the prefix, so the first key outside it ends the listing.
      if (!row.key.startsWith(prefix)) return listing;
      if (skipUnder !== undefined && row.key.startsWith(skipUnder)) continue;
      if (count === maxKeys) {
        listing.isTruncated = true;
        return listing;
      }
      const common = rollUp(row.key);
      count++;
      if (common !== undefined) {
        listing.commonPrefixes.push(common);
        listing.last = common;
        const next = successor(common);
        if (next !== undefined) {
          bound = { key: next, inclusive: true };
          jumped = true;
          break;
        }
        skipUnder = common;
        continue;
      }
      listing.objects.push({
        key: row.key,
        size: Number(row.size),
        etag: row.etag,
        lastModified: Number(row.last_modified),
        checksumAlgorithm: (row.checksum_algorithm as ChecksumAlgorithm | null) ?? undefined,
      });
      listing.last = row.key;
    }
    if (jumped) continue;
    if (rows.length < batch) return listing;
    bound = { key: rows.at(-1)!.key, inclusive: false };
  }
}

interface Bound {
  key: string;
  inclusive: boolean;
}

/**
 * Where a listing starts: after `after`, but never before the prefix. When `after` is itself a
 * common prefix (the last entry of the previous page), the page starts past everything under it.
 */
function startBound(
  after: string | undefined,
  prefix: string,
  rollUp: (key: string) => string | undefined,
): Bound {
  let bound: Bound = { key: prefix, inclusive: true };
  if (after !== undefined && compareKeys(after, prefix) >= 0) {
    const next = rollUp(after) === after ? successor(after) : undefined;
    bound = next !== undefined ? { key: next, inclusive: true } : { key: after, inclusive: false };
  }
  return bound;
}

/**
 * The smallest string above every string that starts with `s`, when that is cheap to name: `s` with
 * its last character incremented, if that character is ASCII. Otherwise undefined (the caller then
 * skips such keys one by one).
 */
export function successor(s: string): string | undefined {
  const last = s.charCodeAt(s.length - 1);
  if (!(last >= 0 && last < 0x7f)) return undefined;
  return s.slice(0, -1) + String.fromCharCode(last + 1);
}
