import { formatArn } from "../../core/index.js";
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { ChecksumAlgorithm, ChecksumType, S3Caller, S3Service } from "../../services/s3/index.js";
import type { VerifiedSignature } from "../sigv4.js";
import type { S3Target } from "./request.js";

/** One authenticated, routed S3 request, as a route handler sees it. */
export interface S3Call {
  req: IncomingMessage;
  target: S3Target;
  /** The addressed bucket ("" for ListBuckets). */
  bucket: string;
  /** The addressed key ("" for bucket requests). */
  key: string;
  query: Map<string, string>;
  caller: S3Caller;
  signature: VerifiedSignature;
  s3: S3Service;
  region: string;
  /** Largest XML request document accepted, in bytes. */
  maxXmlBytes: number;
  /** Checks a permission beyond the route's own (a copy source's s3:GetObject); throws AccessDenied. */
  authorize(action: string, resource: string): void;
}

/** A route's response; a string body is XML. */
export interface S3Reply {
  status: number;
  headers?: Record<string, string | number>;
  body?: string | Readable;
}

/** One S3 operation: its name, the IAM action it needs and what it does. */
export interface Route {
  operation: string;
  /** IAM action, e.g. `s3:PutObject`. */
  action: string;
  handle(call: S3Call): Promise<S3Reply>;
}

/** `arn:aws:s3:::bucket[/key]`. */
export function s3Arn(bucket: string, key?: string): string {
  return formatArn({
    service: "s3",
    region: "",
    accountId: "",
    resource: key === undefined ? bucket : `${bucket}/${key}`,
  });
}

/** A 200 (or `status`) XML response. */
export function xmlReply(body: string, status = 200, headers: Record<string, string | number> = {}): S3Reply {
  return { status, headers: { "content-type": "application/xml", ...headers }, body };
}

/** `x-amz-checksum-<algorithm>` and `x-amz-checksum-type` for a stored checksum. */
export function checksumHeaders(
  checksum: { algorithm: ChecksumAlgorithm; value: string; type?: ChecksumType } | undefined,
): Record<string, string> {
  if (!checksum) return {};
  const headers: Record<string, string> = {
    [`x-amz-checksum-${checksum.algorithm.toLowerCase()}`]: checksum.value,
  };
  if (checksum.type) headers["x-amz-checksum-type"] = checksum.type;
  return headers;
}

/** The XML element name of a checksum: `ChecksumCRC32`, … */
export function checksumElement(algorithm: ChecksumAlgorithm): string {
  return `Checksum${algorithm}`;
}
