import type { Readable } from "node:stream";
import type { Logger } from "../../core/index.js";
import type { Bus } from "../../platform/bus/index.js";
import type { BlobStore, DigestName, StoredBlob } from "../../platform/blobs/index.js";
import type { Store } from "../../platform/store/index.js";

/** What the S3 service needs from the server. */
export interface S3Deps {
  store: Store;
  blobs: BlobStore;
  accountId: string;
  region: string;
  /** Now, in epoch milliseconds. */
  now: () => number;
  logger: Logger;
  /**
   * Where object creations are announced (announce.ts), in the transaction that commits them;
   * default none (nothing is announced).
   */
  bus?: Bus;
  /** Smallest size of every part but the last in CompleteMultipartUpload; default 5 MiB, as S3. */
  minPartSize?: number;
}

/** The checksum algorithms of S3's flexible checksums. */
export type ChecksumAlgorithm = "CRC32" | "CRC32C" | "SHA1" | "SHA256" | "CRC64NVME";

/** Whether a multipart object's checksum covers the whole object or is a checksum of part checksums. */
export type ChecksumType = "FULL_OBJECT" | "COMPOSITE";

/** The digest that computes each checksum algorithm. */
export const CHECKSUM_DIGESTS: Record<ChecksumAlgorithm, DigestName> = {
  CRC32: "crc32",
  CRC32C: "crc32c",
  SHA1: "sha1",
  SHA256: "sha256",
  CRC64NVME: "crc64nvme",
};

/** A stored checksum: algorithm, base64 value (`-N` suffixed when composite) and type. */
export interface Checksum {
  algorithm: ChecksumAlgorithm;
  value: string;
  type: ChecksumType;
}

/**
 * A request body on its way into the blob store. The protocol adapter decodes it and says which
 * digests it needs and how to check them; the check runs before anything is committed.
 */
export interface IncomingBody {
  stream: Readable | AsyncIterable<Buffer>;
  /** Digests the adapter's `verify` needs (MD5 is always computed). */
  digests: readonly DigestName[];
  /** Throws an S3 error when the bytes are not what the request promised. */
  verify: (blob: StoredBlob) => void;
  /** The checksum algorithm the client declared for this body, if any. */
  checksumAlgorithm?: ChecksumAlgorithm;
  /** The length the request declared (decoded length for aws-chunked), if it declared one. */
  declaredSize?: number;
}

/** Headers S3 stores with an object and returns on GET and HEAD. */
export interface StoredHeaders {
  "cache-control"?: string;
  "content-disposition"?: string;
  "content-encoding"?: string;
  "content-language"?: string;
  expires?: string;
}

/** What a new object (or multipart upload) is described by, besides its bytes. */
export interface ObjectAttributes {
  contentType?: string;
  headers: StoredHeaders;
  /** `x-amz-meta-*`, names lower-cased and without the prefix. */
  metadata: Record<string, string>;
}

/** One stored object's metadata. */
export interface ObjectInfo {
  bucket: string;
  key: string;
  blobId: string;
  size: number;
  /** Quoted, as S3 sends it. */
  etag: string;
  contentType: string;
  headers: StoredHeaders;
  metadata: Record<string, string>;
  lastModified: number;
  checksum?: Checksum;
  partsCount?: number;
}

/** Conditional request headers, dates in epoch milliseconds. */
export interface Conditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: number;
  ifUnmodifiedSince?: number;
}

/** The principal behind a request, as far as S3 records it. */
export interface S3Caller {
  accountId: string;
  arn: string;
}

/** A bucket's owner as S3 shows it: a 64-hex canonical id and a display name. */
export interface Owner {
  id: string;
  displayName: string;
}
