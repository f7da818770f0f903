export { createS3Service, type S3Service } from "./service.js";
export { s3Error, type S3ErrorCode } from "./errors.js";
export { validateBucketName, validateKey } from "./names.js";
export {
  OBJECT_CREATED,
  OBJECT_CREATED_SOURCE,
  type CreatedObject,
  type CreationReason,
} from "./announce.js";
export { ownerOf, MAX_PUT_BYTES } from "./rows.js";
export {
  DEFAULT_CONTENT_TYPE,
  type PutObjectInput,
  type PutObjectResult,
  type OpenedObject,
} from "./objects.js";
export type { CopyObjectInput } from "./copy.js";
export type { ListObjectsInput, ObjectListing, ObjectSummary } from "./listing.js";
export type { BucketInfo, BucketList } from "./buckets.js";
export type { CompletedPart, CompleteResult } from "./multipart.js";
export type { PartResult, UploadRef } from "./parts.js";
export type { PartListing, UploadListing, UploadRow } from "./uploads.js";
export {
  CHECKSUM_DIGESTS,
  type S3Deps,
  type ChecksumAlgorithm,
  type ChecksumType,
  type Checksum,
  type IncomingBody,
  type ObjectAttributes,
  type ObjectInfo,
  type StoredHeaders,
  type Conditions,
  type S3Caller,
  type Owner,
} from "./types.js";
