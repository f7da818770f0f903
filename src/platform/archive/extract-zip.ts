/**
 * Unpacking a zip on the host, for the few places that must (a local build's artifacts into the
 * directory the developer named). Every name is checked (safeEntryName), nothing is written
 * through a symbolic link — neither one already in `dir` nor one an earlier entry made — and
 * symbolic links from the archive are made as links, never followed.
 */
import { createWriteStream } from "node:fs";
import { lstat, mkdir, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { readAll } from "./tar.js";
import { forEachZipEntry } from "./zip-read.js";

/**
 * Extracts zip `file` into `dir` (created if missing).
 * @throws Error naming the entry when a path inside `dir` on its way is a link or not a directory.
 */
export async function extractZip(file: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await forEachZipEntry(file, async (entry) => {
    const target = join(dir, entry.name);
    await makeParents(dir, entry.name);
    if (entry.type === "directory") {
      await ensureDirectory(dir, entry.name, entry.name);
      return;
    }
    // Replacing whatever is there (a link included) rather than writing through it.
    await rm(target, { force: true, recursive: false }).catch(() => undefined);
    const content = await entry.open();
    if (entry.type === "symlink") {
      await symlink((await readAll(content, 64 * 1024)).toString("utf8"), target);
      return;
    }
    await pipeline(content, createWriteStream(target, { flags: "wx", mode: entry.mode ?? 0o644 }));
  });
}

/** Creates the directories of `name` under `dir`, refusing any that is a link or a file (shared with extractTar). */
export async function makeParents(dir: string, name: string): Promise<void> {
  const parts = name.split("/").slice(0, -1);
  for (let i = 1; i <= parts.length; i++) await ensureDirectory(dir, parts.slice(0, i).join("/"), name);
}

/**
 * Makes directory `dir`/`name` unless it is one already; a link or a file there is refused, naming
 * `entryName` and `name` as the archive has them (never the host path: the archive's author reads it).
 */
export async function ensureDirectory(dir: string, name: string, entryName: string): Promise<void> {
  const path = join(dir, name);
  const stat = await lstat(path).catch(() => undefined);
  if (stat === undefined) {
    await mkdir(path);
    return;
  }
  if (!stat.isDirectory()) {
    const what = stat.isSymbolicLink()
      ? "a symbolic link; nothing is unpacked through a link, so make it a directory or move the entry"
      : "a file; a file and a directory cannot have the same name";
    throw new Error(
      `archive entry ${JSON.stringify(entryName)} cannot be unpacked: ${JSON.stringify(name)} is ${what}`,
    );
  }
}
