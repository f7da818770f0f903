/**
 * Unpacking a tar stream (plain or gzip, told apart by its first bytes) on the host, with the same
 * guarantees as extractZip: names checked, nothing written through a link, links made as links.
 * Entries that are neither file, directory nor symbolic link (devices, FIFOs, hard links) are
 * refused, naming the entry, as are set-id bits: a revision's files get permission bits only.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { ensureDirectory, makeParents } from "./extract-zip.js";
import { UnsafeEntryNameError } from "./names.js";
import { forEachTarEntry } from "./tar.js";

/**
 * Extracts tar `stream` (gzip-compressed or not) into `dir` (created if missing).
 * @throws UnsafeEntryNameError for an unsafe name or a refused entry type; Error naming the entry
 *   when a path on its way is a link or not a directory.
 */
export async function extractTar(stream: Readable, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await forEachTarEntry(await ungzipped(stream), async (entry) => {
    const target = join(dir, entry.name);
    if (entry.type === "other") {
      throw new UnsafeEntryNameError(
        entry.name,
        "is not a file, directory or symbolic link (a device, FIFO or hard link); it is refused",
      );
    }
    await makeParents(dir, entry.name);
    if (entry.type === "directory") {
      await ensureDirectory(dir, entry.name, entry.name);
      return;
    }
    await rm(target, { force: true, recursive: false }).catch(() => undefined);
    if (entry.type === "symlink") {
      await symlink(entry.linkname ?? "", target);
      return;
    }
    await pipeline(entry.stream, createWriteStream(target, { flags: "wx", mode: entry.mode & 0o777 }));
  });
}

/** `stream` decompressed when it starts with gzip's magic bytes, else as it is. */
async function ungzipped(stream: Readable): Promise<Readable> {
  const first = await new Promise<Buffer | null>((resolve, reject) => {
    const onReadable = () => {
      cleanup();
      resolve(stream.read() as Buffer | null);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const cleanup = () => {
      stream.off("readable", onReadable).off("end", onEnd).off("error", reject);
    };
    stream.once("readable", onReadable).once("end", onEnd).once("error", reject);
  });
  const out = new PassThrough();
  if (first === null) {
    out.end();
    return out;
  }
  out.write(first);
  stream.pipe(out);
  stream.on("error", (err) => out.destroy(err));
  if (first[0] === 0x1f && first[1] === 0x8b) {
    const gunzip = createGunzip();
    out.pipe(gunzip);
    out.on("error", (err) => gunzip.destroy(err));
    return gunzip;
  }
  return out;
}
