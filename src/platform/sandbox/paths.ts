import { realpathSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { SandboxOptionError } from "./errors.js";

/**
 * The real path of `path`, which must exist: mounts need real paths, and a missing directory is
 * better reported by name than as the ENOENT Node gives for the program when `cwd` is missing.
 */
export function existingPath(option: string, path: string): string {
  try {
    return realpathSync(path);
  } catch {
    throw new SandboxOptionError(option, `${path} does not exist; create it before starting the build`);
  }
}

/**
 * The first parent directory of `path` (a real path) that host user `uid` with group `gid` may not
 * pass through (search permission as owner, group or other; supplementary groups are not
 * considered, as sandboxes drop them), or undefined when every parent is passable.
 */
export function unreachableBy(path: string, uid: number, gid: number): string | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const stat = statSync(dir);
    const bit = stat.uid === uid ? 0o100 : stat.gid === gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return dir;
    if (dir === "/") return undefined;
  }
}
