import type { BlobRange } from "../../platform/blobs/index.js";
import { s3Error } from "./errors.js";
import { bareEtag } from "./rows.js";
import type { Conditions } from "./types.js";

/** The part of an object that conditions look at. */
interface Versioned {
  etag: string;
  lastModified: number;
}

function etagMatches(list: string, etag: string): boolean {
  const want = bareEtag(etag);
  return list.split(",").some((item) => item.trim() === "*" || bareEtag(item) === want);
}

/** HTTP dates have whole seconds, so Last-Modified comparisons drop the milliseconds. */
function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * Evaluates GET/HEAD conditions in RFC 7232's order, as S3 does: If-Match (else If-Unmodified-Since)
 * failing is 412 PreconditionFailed; If-None-Match (else If-Modified-Since) failing is 304 Not
 * Modified, which carries the object's ETag and Last-Modified. For a copy source every failure is 412.
 */
export function checkReadConditions(object: Versioned, c: Conditions, copySource = false): void {
  const failed = () =>
    s3Error("PreconditionFailed", undefined, {
      Condition: copySource ? "x-amz-copy-source-If-Match" : "If-Match",
    });
  if (c.ifMatch !== undefined) {
    if (!etagMatches(c.ifMatch, object.etag)) throw failed();
  } else if (c.ifUnmodifiedSince !== undefined) {
    if (seconds(object.lastModified) > seconds(c.ifUnmodifiedSince)) throw failed();
  }
  const notModified = () =>
    copySource
      ? failed()
      : s3Error(
          "NotModified",
          undefined,
          {},
          {
            etag: object.etag,
            "last-modified": new Date(object.lastModified).toUTCString(),
          },
        );
  if (c.ifNoneMatch !== undefined) {
    if (etagMatches(c.ifNoneMatch, object.etag)) throw notModified();
  } else if (c.ifModifiedSince !== undefined) {
    if (seconds(object.lastModified) <= seconds(c.ifModifiedSince)) throw notModified();
  }
}

/**
 * Conditional writes: `If-None-Match: *` refuses to replace an existing object and `If-Match`
 * requires the current ETag; both fail with 412 (If-Match on a missing key is 404 NoSuchKey).
 */
export function checkWriteConditions(existing: Versioned | undefined, c: Conditions, key: string): void {
  if (c.ifNoneMatch !== undefined && existing && etagMatches(c.ifNoneMatch, existing.etag)) {
    throw s3Error("PreconditionFailed", undefined, { Condition: "If-None-Match" });
  }
  if (c.ifMatch !== undefined) {
    if (!existing) throw s3Error("NoSuchKey", undefined, { Key: key });
    if (!etagMatches(c.ifMatch, existing.etag))
      throw s3Error("PreconditionFailed", undefined, { Condition: "If-Match" });
  }
}

/**
 * Resolves a `Range: bytes=…` header against an object's size. A header S3 would ignore (not
 * `bytes=`, several ranges, bad syntax) gives undefined: the whole object. A range that starts past
 * the end (or any range of an empty object) is 416 InvalidRange.
 */
export function resolveRange(header: string | undefined, size: number): BlobRange | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  const unsatisfiable = () =>
    s3Error(
      "InvalidRange",
      undefined,
      { RangeRequested: header.trim(), ActualObjectSize: size },
      {
        "content-range": `bytes */${size}`,
      },
    );
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return undefined;
  if (start >= size) throw unsatisfiable();
  return { start, end };
}
