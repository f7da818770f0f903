/** Reading zip files entry by entry (yauzl), with every name checked by {@link safeEntryName}. */
import type { Readable } from "node:stream";
import type yauzl from "yauzl";
import { safeEntryName, UnsafeEntryNameError } from "./names.js";

/** One entry of a zip file. */
export interface ZipEntry {
  /** Safe relative path (see safeEntryName). */
  name: string;
  type: "file" | "directory" | "symlink";
  /** Permission bits (0o777 part) from the entry's Unix attributes, or undefined when none. */
  mode: number | undefined;
  mtime: Date;
  /** Uncompressed size in bytes. */
  size: number;
  /** The entry's bytes; for a symlink, its target. Call at most once, and consume before the next entry. */
  open(): Promise<Readable>;
  /** What the central directory says about the entry, for checks of the archive as a whole. */
  stored: StoredEntry;
}

/** An entry's central-directory record, as far as checks need it. */
export interface StoredEntry {
  /** The name as the archive spells it (decoded; backslashes read as `/`), before any normalisation. */
  name: string;
  /** File type bits of the Unix attributes: regular, directory, link or something else (a device, a FIFO). */
  unixType: "none" | "file" | "directory" | "symlink" | "other";
  compressionMethod: number;
  compressedSize: number;
  crc32: number;
  encrypted: boolean;
  /** Where the entry's local header starts in the file. */
  localHeaderOffset: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

/**
 * Calls `onEntry` for each entry of `file`, in order, waiting for it before reading the next.
 * @throws UnsafeEntryNameError for an entry whose name is unsafe; yauzl's errors for a bad zip.
 */
export async function forEachZipEntry(
  file: string,
  onEntry: (entry: ZipEntry) => Promise<void>,
): Promise<void> {
  // Loaded on first use, not at server start-up.
  const { default: unzip } = await import("yauzl");
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    unzip.open(file, { lazyEntries: true, strictFileNames: false }, (err, z) =>
      err ? reject(err) : resolve(z),
    ),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("error", (err: Error) => reject(asUnsafeName(err)));
      zip.on("end", resolve);
      zip.on("entry", (raw: yauzl.Entry) => {
        let entry: ZipEntry;
        try {
          entry = toEntry(zip, raw);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        onEntry(entry).then(
          () => zip.readEntry(),
          (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
        );
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/** yauzl checks names too, before we see them: its refusals get the same error as ours. */
export function asUnsafeName(err: Error): Error {
  const refused = /^(?:absolute path|invalid relative path|invalid characters in fileName): (.*)$/s.exec(
    err.message,
  );
  if (!refused) return err;
  try {
    safeEntryName(refused[1]!);
  } catch (unsafe) {
    if (unsafe instanceof UnsafeEntryNameError) return unsafe;
  }
  return new UnsafeEntryNameError(refused[1]!, "is not a safe relative path");
}

function toEntry(zip: yauzl.ZipFile, raw: yauzl.Entry): ZipEntry {
  const unix = raw.externalFileAttributes >>> 16;
  const isDir = raw.fileName.endsWith("/") || raw.fileName.endsWith("\\");
  const type = isDir ? "directory" : (unix & S_IFMT) === S_IFLNK ? "symlink" : "file";
  return {
    name: safeEntryName(raw.fileName),
    type,
    mode: unix & 0o777 ? unix & 0o777 : undefined,
    mtime: raw.getLastModDate(),
    size: raw.uncompressedSize,
    stored: {
      name: raw.fileName,
      unixType: unixTypeOf(unix),
      compressionMethod: raw.compressionMethod,
      compressedSize: raw.compressedSize,
      crc32: raw.crc32,
      encrypted: raw.isEncrypted(),
      localHeaderOffset: raw.relativeOffsetOfLocalHeader,
    },
    open: () =>
      new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(raw, (err, stream) => {
          if (err) return reject(err);
          // A corrupt entry can be reported more than once (the inflater, then the byte count):
          // consumers hear it, and a second report never becomes an uncaught exception.
          stream.on("error", () => undefined);
          resolve(stream);
        }),
      ),
  };
}

function unixTypeOf(unix: number): StoredEntry["unixType"] {
  switch (unix & S_IFMT) {
    case 0:
      return "none";
    case S_IFREG:
      return "file";
    case S_IFDIR:
      return "directory";
    case S_IFLNK:
      return "symlink";
    default:
      return "other";
  }
}
