import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type yauzl from "yauzl";

/** Streams `source` into a temporary file, runs `fn` on its path, and removes it. */
export async function withTempFile<T>(
  source: NodeJS.ReadableStream,
  fn: (file: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "pipewright-src-"));
  try {
    const file = path.join(dir, "source.zip");
    await pipeline(source, createWriteStream(file));
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Extracts a zip into `dir`; entries that would land outside it are refused. */
export async function unzipTo(zipFile: string, dir: string): Promise<void> {
  const root = path.resolve(dir);
  // Zip libraries load on first use, not at server start-up.
  const { default: unzip } = await import("yauzl");
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    unzip.open(zipFile, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("error", reject);
      zip.on("end", resolve);
      zip.on("entry", (entry: yauzl.Entry) => {
        const target = path.resolve(root, entry.fileName);
        if (target !== root && !target.startsWith(root + path.sep)) {
          reject(new Error(`zip entry ${entry.fileName} points outside the source directory`));
          return;
        }
        if (entry.fileName.endsWith("/")) {
          mkdir(target, { recursive: true }).then(() => zip.readEntry(), reject);
          return;
        }
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const mode = (entry.externalFileAttributes >>> 16) & 0o777;
          mkdir(path.dirname(target), { recursive: true })
            .then(() => pipeline(stream, createWriteStream(target, mode ? { mode } : {})))
            .then(() => zip.readEntry(), reject);
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/** Every file under `dir`, as paths relative to it, in a stable order. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  await walk("");
  return out;
}

/** Zips `dir` into `zipFile` (used for LOCAL cache snapshots and tests). */
export async function zipDirectory(dir: string, zipFile: string): Promise<void> {
  const { default: yazl } = await import("yazl");
  const zip = new yazl.ZipFile();
  for (const rel of await listFiles(dir)) {
    const { mode } = await stat(path.join(dir, rel));
    zip.addFile(path.join(dir, rel), rel, { mode });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipFile));
}
