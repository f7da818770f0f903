import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { Transform, Writable } from "node:stream";
import type { PutBlobOptions } from "./blob-store.js";
import { createDigest, type Digest, type DigestName } from "./digest.js";
import { startThreadDigests, THREAD_DIGESTS, type ThreadDigestJob } from "./digest-thread.js";
import { BlobTooLargeError } from "./errors.js";

/**
 * Buffering of blob writes. Sockets deliver 64 KiB chunks; a 1 MiB mark lets them queue while the
 * previous write runs, and the queue goes out as one `writev`. Memory stays bounded: about 1 MiB a
 * transfer (plus the digest thread's ring).
 */
export const IO_BUFFER_BYTES = 1024 * 1024;
/**
 * Bytes written between early `fdatasync` calls. Writing back while the rest still arrives leaves
 * the closing fsync only the last few MiB: for 100 MiB it went from about 70 ms to under 10.
 */
const SYNC_EVERY_BYTES = 8 * 1024 * 1024;
/** Smaller bodies are hashed in place: handing them to a thread costs more than it saves. */
const THREAD_MIN_BYTES = 256 * 1024;

/**
 * Counts and digests bytes on their way to the file, and stops a blob that grows too large. Native
 * digests (MD5 among them) run on a digest thread when one is free and the body is not small.
 */
export class DigestingMeter extends Transform {
  size = 0;
  private readonly inline: Array<[DigestName, Digest]>;
  private readonly threaded: DigestName[];
  private readonly job: ThreadDigestJob | undefined;
  private readonly maxSize: number;

  constructor(options: PutBlobOptions) {
    super();
    this.maxSize = options.maxSize ?? Number.POSITIVE_INFINITY;
    const names = [...new Set<DigestName>(["md5", ...(options.digests ?? [])])];
    const small = options.sizeHint !== undefined && options.sizeHint < THREAD_MIN_BYTES;
    this.threaded = small ? [] : names.filter((n) => THREAD_DIGESTS.has(n));
    this.job = this.threaded.length ? startThreadDigests(this.threaded) : undefined;
    if (!this.job) this.threaded = [];
    this.inline = names.filter((n) => !this.threaded.includes(n)).map((n) => [n, createDigest(n)]);
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (err?: Error | null, data?: Buffer) => void,
  ) {
    this.size += chunk.length;
    if (this.size > this.maxSize) return done(new BlobTooLargeError(this.maxSize));
    for (const [, digest] of this.inline) digest.update(chunk);
    let copied;
    try {
      copied = this.job?.write(chunk);
    } catch (err) {
      return done(err as Error);
    }
    if (copied) copied.then(() => done(null, chunk), done);
    else done(null, chunk);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void) {
    if (err) this.job?.abort();
    callback(err);
  }

  /** Every digest by name (MD5 included); call once, after the last byte went through. */
  async results(): Promise<Partial<Record<DigestName, Buffer>>> {
    const threaded = this.job ? await this.job.finish() : {};
    return { ...threaded, ...Object.fromEntries(this.inline.map(([n, d]) => [n, d.digest()])) };
  }

  /** Drops the thread's work when the write failed before {@link results}. */
  abort(): void {
    this.job?.abort();
  }
}

/**
 * Writes a blob's bytes to its new temporary file (`wx`, mode 0600). With `fsync`, dirty pages are
 * written back as the data arrives and the file is fsynced before `finish`; the handle is closed
 * when the stream ends or fails.
 */
export class BlobFileSink extends Writable {
  private handle: FileHandle | undefined;
  private unsynced = 0;
  private syncing: Promise<void> | undefined;
  private syncError: Error | undefined;

  constructor(
    private readonly file: string,
    private readonly fsync: boolean,
  ) {
    super({ highWaterMark: IO_BUFFER_BYTES });
  }

  override _construct(callback: (error?: Error | null) => void) {
    open(this.file, "wx", 0o600).then((handle) => {
      this.handle = handle;
      callback();
    }, callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void) {
    this.writeAll([chunk]).then(() => callback(), callback);
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ) {
    this.writeAll(chunks.map((c) => c.chunk)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void) {
    const finish = async () => {
      await this.syncing;
      if (this.syncError) throw this.syncError;
      if (this.fsync) await this.handle!.sync();
    };
    finish().then(() => callback(), callback);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void) {
    const handle = this.handle;
    this.handle = undefined;
    const close = async () => {
      // An early sync still holds the descriptor; closing under it could sync an unrelated file.
      await this.syncing;
      await handle?.close();
    };
    close().then(
      () => callback(err),
      (closeErr: Error) => callback(err ?? closeErr),
    );
  }

  private async writeAll(buffers: Buffer[]): Promise<void> {
    let pending = buffers;
    let total = 0;
    for (const b of buffers) total += b.length;
    while (pending.length) {
      const { bytesWritten } = await this.handle!.writev(pending);
      pending = dropWritten(pending, bytesWritten);
    }
    this.unsynced += total;
    if (this.fsync && !this.syncing && this.unsynced >= SYNC_EVERY_BYTES) {
      this.unsynced = 0;
      this.syncing = this.handle!.datasync()
        .catch((err: Error) => void (this.syncError ??= err))
        .finally(() => (this.syncing = undefined));
    }
  }
}

/**
 * Writes `files` one after another into the new file `target` through two reused buffers (the
 * next read runs while the last write does), computing `digests` on the way: no stream, no
 * allocation per chunk, no MD5. `target` is fsynced when `fsync` is set.
 */
export async function concatFiles(
  files: readonly string[],
  target: string,
  digestNames: readonly DigestName[],
  fsync: boolean,
): Promise<{ size: number; digests: Partial<Record<DigestName, Buffer>> }> {
  const digests = digestNames.map((name) => [name, createDigest(name)] as const);
  const sink = new BlobFileSink(target, fsync);
  const finished = finishedWriting(sink);
  const buffers = [Buffer.allocUnsafe(IO_BUFFER_BYTES), Buffer.allocUnsafe(IO_BUFFER_BYTES)];
  let size = 0;
  let writing: Promise<void> = Promise.resolve();
  let turn = 0;
  try {
    for (const file of files) {
      const handle = await open(file, "r");
      try {
        for (;;) {
          const buffer = buffers[turn % 2]!;
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
          if (bytesRead === 0) break;
          const chunk = buffer.subarray(0, bytesRead);
          for (const [, digest] of digests) digest.update(chunk);
          size += bytesRead;
          // The other buffer is free again only once its write is done.
          await writing;
          writing = new Promise((resolve, reject) =>
            sink.write(chunk, (err) => (err ? reject(err) : resolve())),
          );
          turn++;
        }
      } finally {
        await handle.close();
      }
    }
    await writing;
    sink.end();
    await finished;
  } catch (err) {
    sink.destroy();
    await finished.catch(() => undefined);
    throw err;
  }
  return { size, digests: Object.fromEntries(digests.map(([name, d]) => [name, d.digest()])) };
}

function finishedWriting(sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    sink.once("finish", resolve);
    sink.once("error", reject);
    sink.once("close", () => reject(new Error("blob file closed before it was written")));
  });
}

/** What is left of `buffers` after the first `bytes` of them were written. */
function dropWritten(buffers: Buffer[], bytes: number): Buffer[] {
  let rest = bytes;
  let i = 0;
  while (i < buffers.length && rest >= buffers[i]!.length) rest -= buffers[i++]!.length;
  if (i === buffers.length) return [];
  return [buffers[i]!.subarray(rest), ...buffers.slice(i + 1)];
}
