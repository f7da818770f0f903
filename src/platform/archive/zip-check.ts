/**
 * Checking a zip that came from outside as a whole before anything in it is used, for callers
 * that must not act on half of an archive (a deployment that writes one object per entry): every
 * name, type and declared size is checked from the central directory first, then, optionally,
 * every entry's bytes are inflated and compared with their declared length and CRC-32 — so a
 * truncated, corrupt or bomb-shaped archive is refused before the first write, naming the entry.
 */
import { crc32 } from "node:zlib";
import { canonicalEntryName, UnsafeEntryNameError } from "./names.js";
import { forEachZipEntry, type ZipEntry } from "./zip-read.js";

/** How much of an archive is accepted. */
export interface ZipLimits {
  /** Entries of any kind, directories included. */
  maxEntries: number;
  /** Uncompressed size of one entry, in bytes. */
  maxEntryBytes: number;
  /** Uncompressed size of all entries together, in bytes. */
  maxTotalBytes: number;
}

/** 10,000 entries, 5 GiB per entry (S3's largest single PUT), 10 GiB in all. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 5 * 1024 ** 3,
  maxTotalBytes: 10 * 1024 ** 3,
};

/** Why an archive is refused; `entryName` is the entry at fault, when one is. */
export class UnsafeZipError extends Error {
  constructor(
    readonly entryName: string | undefined,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      entryName === undefined ? `the zip ${reason}` : `zip entry ${JSON.stringify(entryName)} ${reason}`,
      options,
    );
    this.name = "UnsafeZipError";
  }
}

/** One entry that passed the checks. */
export interface CheckedZipEntry {
  /** Canonical relative path (see canonicalEntryName), without a directory's trailing `/`. */
  name: string;
  type: "file" | "directory" | "symlink";
  /** Uncompressed size in bytes. */
  size: number;
  mode: number | undefined;
}

/** What {@link checkZip} checks beyond names. */
export interface CheckZipOptions {
  limits?: Partial<ZipLimits>;
  /** Symbolic-link entries: refused (default) or accepted. */
  symlinks?: "refuse" | "allow";
  /** Also inflate every entry and compare its length and CRC-32 with the central directory's. */
  verifyData?: boolean;
  signal?: AbortSignal;
}

/**
 * Deflate cannot expand data by more than about 1032 times; an entry that declares more is lying
 * about its size (or is not deflate at all). A little slack covers tiny entries' fixed overhead.
 */
const MAX_DEFLATE_RATIO = 1032;
const RATIO_SLACK_BYTES = 64 * 1024;
/** The fixed part of a local file header: the least room an entry's record takes before its data. */
const LOCAL_HEADER_BYTES = 30;

/**
 * Checks zip `file` whole and returns its entries in archive order.
 * @throws UnsafeEntryNameError for a name that is not canonical (`..`, absolute, `a//b`, control
 *   characters, NUL); UnsafeZipError for everything else — not a zip, truncated, too many entries,
 *   too large, an impossible compression ratio, entries sharing bytes (overlapping-entry bombs),
 *   duplicate names, encrypted or unsupported entries, links (unless allowed), devices and FIFOs,
 *   and with `verifyData`, bytes that do not match their declared length or CRC-32.
 */
export async function checkZip(file: string, options: CheckZipOptions = {}): Promise<CheckedZipEntry[]> {
  const limits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
  const entries: CheckedZipEntry[] = [];
  const spans: Array<{ name: string; start: number; end: number }> = [];
  const seen = new Set<string>();
  let total = 0;
  await readDirectory(file, options.signal, async (entry) => {
    options.signal?.throwIfAborted();
    const stored = entry.stored;
    const name = canonicalEntryName(stored.name);
    if (entries.length >= limits.maxEntries) {
      throw new UnsafeZipError(undefined, `has more than ${limits.maxEntries} entries`);
    }
    if (seen.has(name)) throw new UnsafeZipError(name, "appears more than once");
    seen.add(name);
    if (stored.encrypted) throw new UnsafeZipError(name, "is encrypted");
    if (stored.unixType === "other") {
      throw new UnsafeZipError(name, "is a device, FIFO or socket, not a file, directory or link");
    }
    if (entry.type === "symlink" && options.symlinks !== "allow") {
      throw new UnsafeZipError(name, "is a symbolic link, which is not accepted here");
    }
    if (stored.compressionMethod !== 0 && stored.compressionMethod !== 8) {
      throw new UnsafeZipError(
        name,
        `uses compression method ${stored.compressionMethod}; only stored (0) and deflate (8) are supported`,
      );
    }
    if (entry.size > limits.maxEntryBytes) {
      throw new UnsafeZipError(
        name,
        `declares ${entry.size} bytes; at most ${limits.maxEntryBytes} are accepted`,
      );
    }
    if (
      stored.compressionMethod === 8 &&
      entry.size > stored.compressedSize * MAX_DEFLATE_RATIO + RATIO_SLACK_BYTES
    ) {
      throw new UnsafeZipError(
        name,
        `declares ${entry.size} bytes from ${stored.compressedSize} compressed bytes, more than deflate can produce`,
      );
    }
    total += entry.size;
    if (total > limits.maxTotalBytes) {
      throw new UnsafeZipError(
        name,
        `brings the archive's uncompressed size past ${limits.maxTotalBytes} bytes, the most accepted`,
      );
    }
    spans.push({
      name,
      start: stored.localHeaderOffset,
      end: stored.localHeaderOffset + LOCAL_HEADER_BYTES + stored.compressedSize,
    });
    entries.push({ name, type: entry.type, size: entry.size, mode: entry.mode });
  });
  checkOverlaps(spans);
  if (options.verifyData) await verifyData(file, options.signal);
  return entries;
}

/** Entries whose data ranges overlap reuse one compressed stream many times: a zip bomb's trick. */
function checkOverlaps(spans: Array<{ name: string; start: number; end: number }>): void {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    const current = sorted[i]!;
    if (current.start < previous.end) {
      throw new UnsafeZipError(
        current.name,
        `shares its bytes with entry ${JSON.stringify(previous.name)} (overlapping entries are how zip bombs multiply their size)`,
      );
    }
  }
}

/** Inflates every entry, checking its length (yauzl) and CRC-32 (here). */
async function verifyData(file: string, signal: AbortSignal | undefined): Promise<void> {
  await readDirectory(file, signal, async (entry) => {
    signal?.throwIfAborted();
    if (entry.type === "directory") return;
    const name = entry.name;
    let crc = 0;
    try {
      for await (const chunk of await entry.open()) crc = crc32(chunk as Buffer, crc);
    } catch (err) {
      throw new UnsafeZipError(name, `is corrupt: ${(err as Error).message}`, { cause: err });
    }
    if (crc >>> 0 !== entry.stored.crc32 >>> 0) {
      throw new UnsafeZipError(name, "is corrupt: its bytes do not match its CRC-32");
    }
  });
}

/** forEachZipEntry, with a file that is not a readable zip reported as UnsafeZipError. */
async function readDirectory(
  file: string,
  signal: AbortSignal | undefined,
  onEntry: (entry: ZipEntry) => Promise<void>,
): Promise<void> {
  try {
    await forEachZipEntry(file, onEntry);
  } catch (err) {
    if (err instanceof UnsafeZipError || err instanceof UnsafeEntryNameError || signal?.aborted) throw err;
    throw new UnsafeZipError(undefined, `is not a readable zip file: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
