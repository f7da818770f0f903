import type { BlobRange } from "../../platform/blobs/index.js";
import { s3Error, type ObjectInfo } from "../../services/s3/index.js";
import { checksumHeaders, type Route, type S3Call, type S3Reply } from "./call.js";
import { conditionsOf, headerOf } from "./request.js";

/** `response-*` query parameters that override a GET's response headers (used by presigned downloads). */
const OVERRIDES = [
  "content-type",
  "content-language",
  "expires",
  "cache-control",
  "content-disposition",
  "content-encoding",
] as const;

/** Header values must be Latin-1; other text is sent RFC 2047-encoded, as S3 does for metadata. */
function headerSafe(value: string): string {
  return /^[\u0020-\u007e\u0080-\u00ff\t]*$/.test(value)
    ? value
    : `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

function objectHeaders(
  call: S3Call,
  info: ObjectInfo,
  range: BlobRange | undefined,
): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    "content-type": info.contentType,
    etag: info.etag,
    "last-modified": new Date(info.lastModified).toUTCString(),
    "accept-ranges": "bytes",
  };
  for (const [name, value] of Object.entries(info.headers)) headers[name] = headerSafe(value);
  for (const [name, value] of Object.entries(info.metadata))
    headers[`x-amz-meta-${name}`] = headerSafe(value);
  for (const name of OVERRIDES) {
    const value = call.query.get(`response-${name}`);
    if (value !== undefined) headers[name] = headerSafe(value);
  }
  // Checksums cover the whole object; S3 sends them only when asked and never for a range.
  if (headerOf(call.req, "x-amz-checksum-mode")?.toUpperCase() === "ENABLED" && !range) {
    Object.assign(headers, checksumHeaders(info.checksum));
  }
  if (info.partsCount !== undefined && call.query.has("partNumber"))
    headers["x-amz-mp-parts-count"] = info.partsCount;
  if (range) {
    headers["content-range"] = `bytes ${range.start}-${range.end}/${info.size}`;
    headers["content-length"] = range.end - range.start + 1;
  } else headers["content-length"] = info.size;
  return headers;
}

function refuseUnsupported(query: Map<string, string>): void {
  const version = query.get("versionId");
  if (version !== undefined && version !== "null") {
    throw s3Error("InvalidArgument", "Invalid version id specified", {
      ArgumentName: "versionId",
      ArgumentValue: version,
    });
  }
  if (query.has("partNumber"))
    throw s3Error("NotImplemented", "GetObject and HeadObject by partNumber are not implemented here.");
}

function readInput(call: S3Call) {
  refuseUnsupported(call.query);
  return {
    bucket: call.bucket,
    key: call.key,
    range: headerOf(call.req, "range"),
    conditions: conditionsOf(call.req),
  };
}

/** GetObject, whole (200) or one range (206); the body is streamed from the blob. */
export const getObjectRoute: Route = {
  operation: "GetObject",
  action: "s3:GetObject",
  async handle(call): Promise<S3Reply> {
    const { info, body, range } = await call.s3.getObject(readInput(call));
    return { status: range ? 206 : 200, headers: objectHeaders(call, info, range), body };
  },
};

/** HeadObject: GetObject's status and headers without the body. */
export const headObjectRoute: Route = {
  operation: "HeadObject",
  action: "s3:GetObject",
  async handle(call): Promise<S3Reply> {
    const { info, range } = await call.s3.headObject(readInput(call));
    return { status: range ? 206 : 200, headers: objectHeaders(call, info, range) };
  },
};
