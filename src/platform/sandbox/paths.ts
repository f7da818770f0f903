import { realpathSync } from "node:fs";
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
