/**
 * `cache.paths`, LOCAL and S3 alike: after the build, the files the globs match are packed inside
 * the build's sandbox into one zip, which `RunnerApi.saveCache` keeps for the project; before
 * INSTALL the next build's `RunnerApi.restoreCache` hands the zip back and it is unpacked inside
 * that build's sandbox. Paths are relative to the source directory, or absolute within the build's
 * own directories (so `/root/.m2/**\/*`, its HOME, works as on AWS's images).
 *
 * The zip names source files `src/<path>` and absolute ones `abs/<path>`, after a marker entry;
 * a cache without the marker (saved by an older Pipewright) holds source-relative paths only.
 */
import { rm } from "node:fs/promises";
import { join, posix } from "node:path";
import picomatch from "picomatch";
import { zipToTar, ZipWriter } from "../../platform/archive/index.js";
import type { BuildspecCache } from "../../formats/buildspec/index.js";
import { selectFiles, WorkspaceError } from "../workspace/index.js";
import { listOrFail, packInto } from "./artifacts.js";
import type { BuildState } from "./build-state.js";
import { RunnerApiError } from "./errors.js";
import { isInsideBuild } from "./inside-build.js";

const MARKER = ".pipewright-cache-v2";

/** Restores the project's cache into the build; true when there was one. */
export async function restoreCache(state: BuildState): Promise<boolean> {
  const { job, api, log } = state;
  const workspace = state.workspace!;
  const dirs = workspace.dirs;
  const zipFile = join(dirs.staging, "cache.zip");
  try {
    let found: boolean;
    try {
      found = await api.restoreCache(job, zipFile);
    } catch (err) {
      throw new RunnerApiError("restoreCache", err);
    }
    if (!found) return false;
    let legacy = true;
    const rename = (name: string): string | undefined => {
      if (name === MARKER) {
        legacy = false;
        return undefined;
      }
      const target = legacy
        ? posix.join(dirs.inside.src, name)
        : name.startsWith("src/")
          ? posix.join(dirs.inside.src, name.slice(4))
          : name.startsWith("abs/")
            ? `/${name.slice(4)}`
            : undefined;
      // Only into the build's own directories, whatever the zip says.
      if (target === undefined || !isInsideBuild(dirs, posix.dirname(target))) return undefined;
      return target.slice(1);
    };
    try {
      await workspace.extract(await zipToTar(zipFile, rename), "/");
    } catch (err) {
      if (!(err instanceof WorkspaceError)) throw err;
      // AWS goes on without a cache it cannot restore.
      log.container(`Warning: the project's cache could not be restored fully: ${err.message}`);
    }
    return true;
  } finally {
    await rm(zipFile, { force: true });
  }
}

/** Packs what `cache.paths` match and saves it as the project's cache; returns how many files. */
export async function saveCache(state: BuildState, cache: BuildspecCache): Promise<number> {
  const { job, api, log } = state;
  const workspace = state.workspace!;
  const dirs = workspace.dirs;
  // Patterns grouped by the directory they search: the source directory, or an absolute one.
  const groups = new Map<string, string[]>();
  for (const path of cache.paths) {
    if (!posix.isAbsolute(path)) {
      groups.set(dirs.inside.src, [...(groups.get(dirs.inside.src) ?? []), path]);
      continue;
    }
    const scan = picomatch.scan(path);
    const base = scan.glob ? posix.normalize(scan.base || "/") : posix.dirname(path);
    const glob = scan.glob || posix.basename(path);
    if (!isInsideBuild(dirs, base)) {
      log.container(`Cache path ${path} is outside the build's directories; not cached`);
      continue;
    }
    groups.set(base, [...(groups.get(base) ?? []), glob]);
  }
  const zipFile = join(dirs.staging, "cache.zip");
  let count = 0;
  try {
    const zip = await ZipWriter.create(zipFile);
    try {
      zip.addDirectory(MARKER);
      for (const [base, patterns] of groups) {
        let listing;
        try {
          listing = await listOrFail(workspace, base, false);
        } catch {
          continue; // Nothing there yet (a first build's ~/.m2): nothing to cache.
        }
        const files = selectFiles(listing, patterns, { links: true });
        if (files.length === 0) continue;
        const prefix = base === dirs.inside.src ? "src/" : `abs/${base.slice(1)}/`;
        await packInto(state, zip, { base, files, links: true, prefix });
        count += files.length;
      }
    } finally {
      await zip.close();
    }
    try {
      await api.saveCache(job, zipFile);
    } catch (err) {
      throw new RunnerApiError("saveCache", err);
    }
    return count;
  } finally {
    await rm(zipFile, { force: true });
  }
}
