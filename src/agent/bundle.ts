/**
 * Unpacking a revision (zip, tar or tgz) into its deployment-archive directory. The archive comes
 * from outside, so: names that climb out or are absolute, devices, FIFOs and hard links are refused
 * by the archive readers; symbolic links are made as links and then checked — one that points
 * outside the archive fails the whole bundle, which is removed again. As AWS's agent does, a bundle
 * whose only top-level entry is a directory holding the appspec is unpacked from that directory.
 */
import { createReadStream } from "node:fs";
import { lstat, readdir, readlink, rename, rm } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { checkZip, extractTar, extractZip } from "../platform/archive/index.js";
import { CommandFailure } from "./errors.js";

/** The bundle types a revision may have. */
export type BundleType = "zip" | "tar" | "tgz";

/**
 * Unpacks `file` (of `type`) into `dir`, which must not exist yet.
 * @throws CommandFailure (UnknownError) naming the entry at fault for any refused archive.
 */
export async function unpackBundle(file: string, type: BundleType, dir: string): Promise<void> {
  try {
    if (type === "zip") {
      // Checked whole first (names, sizes, devices, bombs), so nothing of a bad zip is written.
      await checkZip(file, { symlinks: "allow", verifyData: true });
      await extractZip(file, dir);
    } else {
      await extractTar(createReadStream(file), dir);
    }
    await refuseEscapingLinks(dir, dir);
    await stripLeadingDirectory(dir);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new CommandFailure(
      "UnknownError",
      `the revision's ${type} bundle cannot be unpacked: ${(err as Error).message}`,
      "",
      "",
      {
        cause: err,
      },
    );
  }
}

/** Throws for the first symbolic link under `dir` whose target resolves outside `root`. */
async function refuseEscapingLinks(root: string, dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      const target = await readlink(path);
      const resolved = resolve(dirname(path), target);
      if (resolved !== root && !resolved.startsWith(root + sep)) {
        throw new Error(
          `entry ${JSON.stringify(relative(root, path))} is a symbolic link to ${JSON.stringify(target)}, outside the archive; links must point inside it`,
        );
      }
    } else if (entry.isDirectory()) {
      await refuseEscapingLinks(root, path);
    }
  }
}

async function stripLeadingDirectory(dir: string): Promise<void> {
  const top = await readdir(dir);
  if (top.length !== 1) return;
  const only = join(dir, top[0]!);
  if (!(await lstat(only)).isDirectory()) return;
  if (!(await readdir(only)).some((name) => /appspec/i.test(name))) return;
  const temp = `${dir}-strip`;
  await rm(temp, { recursive: true, force: true });
  await rename(only, temp);
  await rm(dir, { recursive: true });
  await rename(temp, dir);
}
