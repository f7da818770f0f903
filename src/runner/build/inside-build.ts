/**
 * Where a path a buildspec names (`base-directory`, a report group's base, a cache path) lies, as
 * the build sees it: relative paths start at CODEBUILD_SRC_DIR. It must stay within the build's own
 * directories (its sources, HOME and /tmp). The sandbox is what keeps the host safe; this check
 * gives a clear message for a path that could only ever find nothing, or — without a sandbox —
 * the server's own files.
 */
import { posix } from "node:path";
import type { BuildDirs } from "../workspace/index.js";
import { BuildStepError, CONTEXT } from "./errors.js";

/** The build's directories as it sees them. */
export function buildRoots(dirs: BuildDirs): string[] {
  const { inside } = dirs;
  return [inside.src, ...Object.values(inside.secondary), inside.home, inside.tmp];
}

/** True when `path` (absolute, normalized) is one of the build's directories or inside one. */
export function isInsideBuild(dirs: BuildDirs, path: string): boolean {
  return buildRoots(dirs).some((root) => path === root || path.startsWith(`${root}/`));
}

/**
 * `path` resolved against the build's source directory.
 * @throws BuildStepError CLIENT_ERROR naming `field` when it leaves the build's directories.
 */
export function insideBuild(dirs: BuildDirs, path: string, field: string): string {
  const resolved = posix.resolve(dirs.inside.src, path);
  if (!isInsideBuild(dirs, resolved)) {
    throw new BuildStepError("FAILED", {
      statusCode: CONTEXT.client,
      message:
        `${field} ${path} is outside the build's directories; it must be within ` +
        `CODEBUILD_SRC_DIR (${dirs.inside.src}), a secondary source, HOME or /tmp`,
    });
  }
  return resolved;
}
