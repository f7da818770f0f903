import type { IncomingMessage } from "node:http";
import {
  s3Error,
  type Conditions,
  type ObjectAttributes,
  type StoredHeaders,
} from "../../services/s3/index.js";

/** What a path-style S3 URL addresses. */
export interface S3Target {
  /** Decoded bucket name; undefined for `/` (ListBuckets). */
  bucket?: string;
  /** Decoded key; undefined for a bucket request (`/bucket` or `/bucket/`). */
  key?: string;
  /** Query parameters, decoded; the first value of each name. */
  query: Map<string, string>;
  /** `/bucket/key`, decoded: the `<Resource>` of errors. */
  resource: string;
}

/**
 * Splits a path-style URL into bucket, key and query. The key is everything after the bucket's
 * slash, percent-decoded exactly once and otherwise untouched: `..`, `//` and `\` are key
 * characters, never path operations.
 */
export function parseTarget(url: string): S3Target {
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = new Map<string, string>();
  for (const pair of q < 0 ? [] : url.slice(q + 1).split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (!query.has(name)) query.set(name, eq < 0 ? "" : decode(pair.slice(eq + 1)));
  }
  const path = rawPath.replace(/^\/+/, "");
  if (path === "") return { query, resource: "/" };
  const slash = path.indexOf("/");
  const bucket = decode(slash < 0 ? path : path.slice(0, slash));
  const rawKey = slash < 0 ? "" : path.slice(slash + 1);
  const key = rawKey === "" ? undefined : decode(rawKey);
  return { bucket, key, query, resource: `/${bucket}${key === undefined ? "" : `/${key}`}` };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw s3Error(
      "InvalidURI",
      `Couldn't parse the specified URI: '${s.slice(0, 200)}' is not valid percent-encoding.`,
    );
  }
}

/** A request header's value (several values joined by commas), or undefined. */
export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(",") : value;
}

/** S3's limit on user metadata: 2 KB of names and values. */
const MAX_METADATA_BYTES = 2048;
const STORED_HEADERS = [
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-language",
  "expires",
] as const satisfies ReadonlyArray<keyof StoredHeaders>;

/** Content-Type, the standard headers S3 stores, and `x-amz-meta-*` of a PUT or CreateMultipartUpload. */
export function objectAttributes(req: IncomingMessage): ObjectAttributes {
  const metadata: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith("x-amz-meta-") || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(",") : value;
    metadata[name.slice("x-amz-meta-".length)] = text;
    size += name.length - "x-amz-meta-".length + Buffer.byteLength(text);
  }
  if (size > MAX_METADATA_BYTES) {
    throw s3Error("MetadataTooLarge", undefined, { Size: size, MaxSizeAllowed: MAX_METADATA_BYTES });
  }
  const headers: StoredHeaders = {};
  for (const name of STORED_HEADERS) {
    const value = headerOf(req, name);
    if (value !== undefined) headers[name] = value;
  }
  // aws-chunked is how this request was sent, not how the object is encoded.
  const encoding = headers["content-encoding"]
    ?.split(",")
    .map((e) => e.trim())
    .filter((e) => e && e.toLowerCase() !== "aws-chunked")
    .join(",");
  if (encoding) headers["content-encoding"] = encoding;
  else delete headers["content-encoding"];
  return { contentType: headerOf(req, "content-type"), headers, metadata };
}

function parseDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `If-*` headers, or `x-amz-copy-source-if-*` with `prefix` set. Unparseable dates are ignored, as HTTP says. */
export function conditionsOf(req: IncomingMessage, prefix = ""): Conditions {
  return {
    ifMatch: headerOf(req, `${prefix}if-match`),
    ifNoneMatch: headerOf(req, `${prefix}if-none-match`),
    ifModifiedSince: parseDate(headerOf(req, `${prefix}if-modified-since`)),
    ifUnmodifiedSince: parseDate(headerOf(req, `${prefix}if-unmodified-since`)),
  };
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded. */
export function copySourceOf(req: IncomingMessage): { bucket: string; key: string } | undefined {
  const value = headerOf(req, "x-amz-copy-source");
  if (value === undefined) return undefined;
  const [path = "", query] = value.split("?", 2);
  const version = new URLSearchParams(query ?? "").get("versionId");
  if (version !== null && version !== "null") {
    throw s3Error("InvalidArgument", "Invalid version id specified", {
      ArgumentName: "versionId",
      ArgumentValue: version,
    });
  }
  const decoded = decode(path).replace(/^\//, "");
  const slash = decoded.indexOf("/");
  if (slash <= 0 || slash === decoded.length - 1) {
    throw s3Error(
      "InvalidArgument",
      "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
      {
        ArgumentName: "x-amz-copy-source",
        ArgumentValue: value,
      },
    );
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

/** An integer query parameter (`max-keys`, `partNumber`, …), or `fallback` when absent. */
export function intParam(query: Map<string, string>, name: string, fallback?: number): number | undefined {
  const value = query.get(name);
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) {
    throw s3Error("InvalidArgument", `Provided ${name} not an integer or within integer range`, {
      ArgumentName: name,
      ArgumentValue: value,
    });
  }
  return Number(value);
}
