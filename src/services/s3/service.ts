import { bucketRegion, createBucket, deleteBucket, getBucket, listBuckets } from "./buckets.js";
import { copyObject } from "./copy.js";
import { listObjects } from "./listing.js";
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload } from "./multipart.js";
import { uploadPart, uploadPartCopy } from "./parts.js";
import { deleteObject, deleteObjects, getObject, headObjectIf, putObject } from "./objects.js";
import type { S3Deps } from "./types.js";
import { sweepOrphanBlobs } from "./sweep.js";
import { listParts, listUploads } from "./uploads.js";

type Bound<F> = F extends (deps: S3Deps, ...args: infer A) => infer R ? (...args: A) => R : never;

/** Binds every function of `table` to `deps`. */
function bind<T extends Record<string, (deps: S3Deps, ...args: never[]) => unknown>>(
  deps: S3Deps,
  table: T,
): { [K in keyof T]: Bound<T[K]> } {
  return Object.fromEntries(
    Object.entries(table).map(([name, fn]) => [name, (...args: never[]) => fn(deps, ...args)]),
  ) as { [K in keyof T]: Bound<T[K]> };
}

const operations = {
  createBucket,
  deleteBucket,
  getBucket,
  bucketRegion,
  listBuckets,
  putObject,
  getObject,
  headObject: headObjectIf,
  deleteObject,
  deleteObjects,
  copyObject,
  listObjects,
  createMultipartUpload,
  uploadPart,
  uploadPartCopy,
  completeMultipartUpload,
  abortMultipartUpload,
  listParts,
  listUploads,
  sweepOrphanBlobs,
};

/** The S3 service: every operation bound to its dependencies. Other services use it the same way. */
export type S3Service = { [K in keyof typeof operations]: Bound<(typeof operations)[K]> };

/** Creates the S3 service over a store and a blob store. */
export function createS3Service(deps: S3Deps): S3Service {
  return bind(deps, operations);
}
