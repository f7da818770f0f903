import type { Readable } from "node:stream";
import type { DigestName } from "./digest.js";

/** Bytes `start` to `end` of a blob, both inclusive (HTTP's Range semantics). */
export interface BlobRange {
  start: number;
  end: number;
}

/** A blob that has been written and committed. */
export interface StoredBlob {
  /** Random id; never derived from anything a client chose. */
  id: string;
  size: number;
  /** MD5 of the bytes: S3 needs it for every ETag. */
  md5: Buffer;
  /** The extra digests asked for in {@link PutBlobOptions.digests}. */
  digests: Partial<Record<DigestName, Buffer>>;
}

/** A blob made by {@link BlobStore.concat}: a {@link StoredBlob} without the MD5. */
export type ConcatenatedBlob = Omit<StoredBlob, "md5">;

/** A committed blob as {@link BlobStore.list} reports it. */
export interface BlobListing {
  id: string;
  /** When this id last came into being (written or copied), in epoch milliseconds. */
  storedAt: number;
}

/** Options for {@link BlobStore.put}. */
export interface PutBlobOptions {
  /** Digests to compute while writing, besides MD5 (always computed). Default none. */
  digests?: readonly DigestName[];
  /**
   * The size the source announced (Content-Length), if any. Only a hint: small bodies are hashed
   * in place rather than on a digest thread. Default unknown.
   */
  sizeHint?: number;
  /** Largest accepted size in bytes; a longer source fails with `BlobTooLargeError`. Default unlimited. */
  maxSize?: number;
  /**
   * Called once every byte is written and before the blob is committed. If it throws, the blob is
   * discarded and `put` rejects with that error: integrity checks (Content-MD5, payload hashes) use
   * it so a bad upload is never visible, not even for an instant.
   */
  verify?: (blob: StoredBlob) => void | Promise<void>;
}

/**
 * Immutable byte blobs named by random ids. Writes are atomic (a blob exists whole or not at all)
 * and streamed (memory stays flat whatever the size). Metadata about what a blob means lives
 * elsewhere; a blob store knows only bytes.
 */
export interface BlobStore {
  /** Streams `source` into a new blob; on any failure nothing is left behind. */
  put(source: AsyncIterable<Buffer> | Readable, options?: PutBlobOptions): Promise<StoredBlob>;
  /**
   * Opens a blob for reading, the whole or one range. The blob is opened before this resolves, so
   * a delete that happens afterwards does not cut the read short. Rejects with `BlobNotFoundError`.
   */
  open(id: string, range?: BlobRange): Promise<Readable>;
  /**
   * A new blob holding the bytes of `ids` one after another (a multipart upload's parts), with the
   * digests asked for but without MD5: nothing needs the MD5 of a whole multipart object. Rejects
   * with `BlobNotFoundError` when one of them is missing; on any failure nothing is left behind.
   */
  concat(ids: readonly string[], options?: { digests?: readonly DigestName[] }): Promise<ConcatenatedBlob>;
  /** A new blob with the same bytes (cheap where the backend can share them). */
  copy(id: string): Promise<string>;
  /** Deletes a blob; deleting a missing blob is not an error. */
  delete(id: string): Promise<void>;
  /** Every committed blob (for sweeps of blobs no metadata refers to). */
  list(): AsyncIterable<BlobListing>;
  /** Removes unfinished writes older than `olderThanMs` (left by a crash); returns how many. */
  cleanTemporaries(olderThanMs: number): Promise<number>;
}
