/**
 * The agent's `--root`: the directory it treats as `/` for the appspec's destinations and its own
 * state. A path on the instance becomes a host path under the root only when it stays there — not
 * by `..`, not through a symbolic link already on disk that points elsewhere.
 */
import { lstat, realpath } from "node:fs/promises";
import { dirname, join, sep } from "node:path";

/** Why a destination is refused. */
export class OutsideRootError extends Error {
  constructor(readonly instancePath: string, reason: string) {
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
   * The host path of `instancePath`, after checking that its nearest existing ancestor is inside the
   * root once links are resolved, and that the path itself is not a link (it would be written through).
   * @throws OutsideRootError
   */
  async checked(instancePath: string): Promise<string> {
    if (instancePath.split("/").includes("..")) throw new OutsideRootError(instancePath, "contains ..");
    const host = this.host(instancePath);
    const own = await lstat(host).catch(() => undefined);
    if (own?.isSymbolicLink()) {
      throw new OutsideRootError(instancePath, "is a symbolic link; it would be written through, so it is refused");
    }
    let existing = own ? host : dirname(host);
    for (;;) {
      const real = await realpath(existing).catch(() => undefined);
      if (real !== undefined) {
        if (real !== this.root && !real.startsWith(this.root + sep)) {
          throw new OutsideRootError(instancePath, `resolves outside the agent's root ${this.root} (through a symbolic link)`);
        }
        return host;
      }
      existing = dirname(existing);
    }
  }
}
