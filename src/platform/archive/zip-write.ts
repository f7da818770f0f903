/** Writing zip files (yazl) entry by entry, to a file or as a stream. */
import { createWriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import type yazl from "yazl";

/** A zip file being written. Add entries in order, then {@link ZipWriter.close}. */
export class ZipWriter {
  private constructor(
    private readonly zip: yazl.ZipFile,
    private readonly written: Promise<void>,
  ) {}

  /** Starts writing `file`. */
  static async create(file: string): Promise<ZipWriter> {
    // Loaded on first use, to keep `pipewright build` quick to start.
    const { default: lib } = await import("yazl");
    const zip = new lib.ZipFile();
    // yazl reports a stream that did not deliver its declared size as an "error" on the ZipFile:
    // unhandled, it would end the process.
    const failed = new Promise<never>((_, reject) => zip.once("error", reject));
    const written = Promise.race([
      pipeline(zip.outputStream, createWriteStream(file, { mode: 0o600 })),
      failed,
    ]);
    // Failures surface from close(); until then they must not be unhandled.
    written.catch(() => undefined);
    return new ZipWriter(zip, written);
  }

  /**
   * Starts a zip whose bytes are read from `output` as entries are added (into an object store,
   * say), so no archive is ever held whole. Whoever reads `output` sets the pace; close() resolves
   * once it has read the end. Destroying `output` fails the writer's pending and later calls.
   */
  static async toStream(): Promise<{ writer: ZipWriter; output: Readable }> {
    const { default: lib } = await import("yazl");
    const zip = new lib.ZipFile();
    const output = zip.outputStream as Readable;
    // A stream that did not deliver its declared size fails the zip: the reader hears it.
    zip.once("error", (err: Error) => output.destroy(err));
    const written = finished(output);
    written.catch(() => undefined);
    return { writer: new ZipWriter(zip, written), output };
  }

  /** Adds a file whose bytes come from `stream`; resolves once the stream has been read whole. */
  addStream(
    name: string,
    stream: Readable,
    options: { mode?: number; mtime?: Date; size?: number },
  ): Promise<void> {
    const read = new Promise<void>((resolve, reject) => {
      stream.once("end", resolve);
      stream.once("error", reject);
      this.written.catch(reject);
    });
    this.zip.addReadStream(stream, name, {
      mode: 0o100000 | (options.mode ?? 0o644),
      ...(options.mtime && { mtime: options.mtime }),
      ...(options.size !== undefined && { size: options.size }),
    });
    return read;
  }

  /** Adds a symbolic link: mode S_IFLNK with the target as content, as `zip --symlinks` writes it. */
  addSymlink(name: string, target: string, mtime?: Date): void {
    this.zip.addBuffer(Buffer.from(target), name, { mode: 0o120777, ...(mtime && { mtime }) });
  }

  /** Adds an empty directory. */
  addDirectory(name: string, mtime?: Date): void {
    this.zip.addEmptyDirectory(name, mtime ? { mtime } : {});
  }

  /** Finishes the zip; resolves when it is on disk. */
  async close(): Promise<void> {
    this.zip.end();
    await this.written;
  }
}
