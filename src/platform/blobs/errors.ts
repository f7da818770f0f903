/** A blob id that names no stored blob (never written, or already deleted). */
export class BlobNotFoundError extends Error {
  constructor(readonly blobId: string) {
    super(`blob ${blobId} does not exist`);
    this.name = "BlobNotFoundError";
  }
}

/** A blob longer than the limit its writer set; nothing was stored. */
export class BlobTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`blob is larger than the limit of ${limit} bytes`);
    this.name = "BlobTooLargeError";
  }
}
