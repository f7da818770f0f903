/**
 * `cache.paths` with LOCAL semantics: before INSTALL the project's cache directory is restored into
 * the source directory; after the build the files the globs match are copied to a fresh directory
 * and handed to `RunnerApi.saveCache`. Paths are relative to the source directory (absolute paths
 * outside the build are not writable in the sandbox and are skipped with a log line).
 */
import { cp, mkdir } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import type { BuildspecCache } from "../../formats/buildspec/index.js";
import type { BuildJob, RunnerApi } from "../api.js";
import { collectFiles } from "./collect-files.js";
import { RunnerApiError } from "./errors.js";

/** Restores the cache into `srcDir` via `cacheDir`; true when there was one. */
export async function restoreCache(job: BuildJob, api: RunnerApi, cacheDir: string, srcDir: string) {
  await mkdir(cacheDir, { recursive: true });
  let found: boolean;
  try {
    found = await api.restoreCache(job, cacheDir);
  } catch (err) {
    throw new RunnerApiError("restoreCache", err);
  }
  if (found) await cp(cacheDir, srcDir, { recursive: true, force: true, verbatimSymlinks: true });
  return found;
}

/** Copies what `cache.paths` match into `cacheDir` and saves it; returns how many files. */
export async function saveCache(
  job: BuildJob,
  api: RunnerApi,
  cache: BuildspecCache,
  cacheDir: string,
  srcDir: string,
  log: (line: string) => void,
): Promise<number> {
  const relative = cache.paths.filter((p) => !isAbsolute(p));
  for (const p of cache.paths.filter((p) => isAbsolute(p)))
    log(`[Container] Cache path ${p} is outside the build; not cached`);
  const files = await collectFiles(srcDir, relative);
  await mkdir(cacheDir, { recursive: true });
  for (const file of files) {
    await mkdir(dirname(join(cacheDir, file)), { recursive: true });
    await cp(join(srcDir, file), join(cacheDir, file), { verbatimSymlinks: true });
  }
  try {
    await api.saveCache(job, cacheDir);
  } catch (err) {
    throw new RunnerApiError("saveCache", err);
  }
  return files.length;
}
