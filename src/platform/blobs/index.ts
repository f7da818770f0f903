export type {
  BlobStore,
  BlobRange,
  BlobListing,
  ConcatenatedBlob,
  StoredBlob,
  PutBlobOptions,
} from "./blob-store.js";
export { createFsBlobStore, type FsBlobStoreOptions } from "./fs-blob-store.js";
export { createDigest, digestOf, type Digest, type DigestName } from "./digest.js";
export { BlobNotFoundError, BlobTooLargeError } from "./errors.js";
