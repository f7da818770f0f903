/**
 * Tar streams (tar-stream): what crosses the build's sandbox boundary. The sandbox's own `tar`
 * reads and writes the build's files with the build's view of them; the host only converts
 * streams, and never touches the build's tree itself.
 */
import { PassThrough, type Readable } from "node:stream";
import type { Header } from "tar-stream";
import { safeEntryName } from "./names.js";
import { forEachZipEntry } from "./zip-read.js";

/** One entry of a tar stream, as the host uses it. */
export interface TarEntry {
  /** Safe relative path (see safeEntryName). */
  name: string;
  type: "file" | "directory" | "symlink" | "other";
  mode: number;
  mtime: Date | undefined;
  size: number;
  /** Link target for a symlink. */
  linkname: string | undefined;
  /** The entry's bytes (files). What the callback leaves unread is skipped. */
  stream: Readable;
}

/**
 * Calls `onEntry` for each entry of `tar`, waiting for it before the next.
 * @throws UnsafeEntryNameError for an entry whose name is unsafe, the parser's errors for a bad stream.
 */
export async function forEachTarEntry(
  tar: Readable,
  onEntry: (entry: TarEntry) => Promise<void>,
): Promise<void> {
  const { extract } = await import("tar-stream");
  const parser = extract();
  tar.on("error", (err) => parser.destroy(err));
  tar.pipe(parser);
  try {
    for await (const source of parser) {
      const header: Header = source.header;
      // `tar -C dir .` starts with the directory itself (`./`): the root it is unpacked into.
      if (header.type === "directory" && isArchiveRoot(header.name)) {
        source.resume();
        await new Promise<void>((resolve, reject) => source.once("end", resolve).once("error", reject));
        continue;
      }
      // A Node stream in front of tar-stream's own, so consumers get what they expect.
      const stream = new PassThrough();
      // Its failure is the loop's (through `ended`), whether or not the callback listens.
      stream.on("error", () => undefined);
      const ended = new Promise<void>((resolve, reject) => {
        source.on("end", resolve);
        source.on("error", reject);
      });
      source.on("data", (chunk) => {
        if (!stream.write(chunk)) source.pause();
      });
      stream.on("drain", () => source.resume());
      void ended.then(
        () => stream.end(),
        (err: Error) => stream.destroy(err),
      );
      const entry: TarEntry = {
        name: safeEntryName(header.name),
        type: kindOf(header.type),
        mode: header.mode ?? 0o644,
        mtime: header.mtime,
        size: header.size ?? 0,
        linkname: header.linkname || undefined,
        stream,
      };
      await onEntry(entry);
      // Whatever the callback did not read is drained, so the next header can be parsed.
      stream.resume();
      await ended;
    }
  } catch (err) {
    parser.destroy();
    tar.destroy();
    throw err;
  }
}

function kindOf(type: Header["type"] | undefined): TarEntry["type"] {
  switch (type) {
    case "file":
    case "contiguous-file":
      return "file";
    case "directory":
      return "directory";
    case "symlink":
      return "symlink";
    default:
      return "other";
  }
}

/**
 * The entries of zip `file` as a tar stream, each name passed through `rename` (an entry it maps
 * to undefined is left out). Unsafe names fail the stream with UnsafeEntryNameError.
 */
export async function zipToTar(
  file: string,
  rename: (name: string) => string | undefined = (n) => n,
): Promise<Readable> {
  const { pack } = await import("tar-stream");
  const tar = pack();
  const out = new PassThrough();
  // A failure is reported once, on `out`; streamx also fails the pack when `out` is destroyed.
  tar.on("error", () => undefined);
  tar.pipe(out);
  forEachZipEntry(file, async (entry) => {
    const name = rename(entry.name);
    if (name === undefined) return;
    const mtime = entry.mtime;
    if (entry.type === "directory") {
      tar.entry({ name, type: "directory", mode: entry.mode ?? 0o755, mtime });
      return;
    }
    const content = await entry.open();
    if (entry.type === "symlink") {
      const target = (await readAll(content)).toString("utf8");
      tar.entry({ name, type: "symlink", linkname: target, mode: 0o777, mtime });
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const sink = tar.entry(
        { name, type: "file", size: entry.size, mode: entry.mode ?? 0o644, mtime },
        (err) => (err ? reject(err) : resolve()),
      );
      // yauzl may report one bad entry more than once (the inflater, then the byte count).
      content.on("error", reject);
      sink.on("error", reject);
      content.pipe(sink);
    });
  }).then(
    () => tar.finalize(),
    (err: unknown) => out.destroy(err as Error),
  );
  return out;
}

/** Every byte of `stream`, up to `limit` (default 64 MiB); more is an error. */
export async function readAll(stream: Readable, limit = 64 * 2 ** 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      throw new Error(`more than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Whether `name` names the directory an archive is unpacked into (`.`, `./`, `.//.`). */
function isArchiveRoot(name: string): boolean {
  return name.split("/").every((segment) => segment === "" || segment === ".");
}
