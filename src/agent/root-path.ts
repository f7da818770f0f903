/**
 * The agent's `--root`: the directory it treats as `/` for the appspec's destinations and its own
 * state. A path on the instance becomes a host path under the root only when it stays there — not
 * by `..`, not through a symbolic link already on disk that points elsewhere.
 */
import { lstat, realpath } from "node:fs/promises";
import { dirname, join, sep } from "node:path";

/** Why a destination is refused. */
export class OutsideRootError extends Error {
  constructor(
    readonly instancePath: string,
    reason: string,
  ) {
    super(`${instancePath} ${reason}`);
    this.name = "OutsideRootError";
  }
}

/** Maps instance paths (absolute, as the appspec writes them) to host paths under one root. */
export class RootPath {
  private constructor(
    /** The root as given, resolved through any links (so checks compare real paths). */
    readonly root: string,
  ) {}

  /** A RootPath for directory `root` (which must exist). */
  static async of(root: string): Promise<RootPath> {
    return new RootPath(await realpath(root));
  }

  /** The host path of `instancePath`, lexically (no checks against links; see {@link checked}). */
  host(instancePath: string): string {
    return join(this.root, instancePath);
  }

  /**
   * The host path of `instancePath`, after checking that it — or, when it does not exist yet, its
   * nearest existing ancestor — is inside the root once symbolic links are resolved.
   * @throws OutsideRootError
   */
  async checked(instancePath: string): Promise<string> {
    if (instancePath.split("/").includes("..")) throw new OutsideRootError(instancePath, "contains ..");
    const host = this.host(instancePath);
    for (let existing = host; ; existing = dirname(existing)) {
      const real = await realpath(existing).catch(() => undefined);
      if (real === undefined) {
        // A link whose target does not exist must not be written through either.
        if (
          await lstat(existing).then(
            (s) => s.isSymbolicLink(),
            () => false,
          )
        ) {
          throw new OutsideRootError(instancePath, `passes through ${existing}, a symbolic link to nothing`);
        }
        continue;
      }
      if (real !== this.root && !real.startsWith(this.root + sep)) {
        throw new OutsideRootError(
          instancePath,
          `resolves outside the agent's root ${this.root} (through a symbolic link)`,
        );
      }
      return host;
    }
  }
}
