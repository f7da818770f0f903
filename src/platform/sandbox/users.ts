/**
 * Host id ranges for mapped sandboxes. Each build gets 65,536 consecutive host uids and gids of its
 * own, mapped to 0…65535 inside its user namespace. The ranges start far above real users and
 * below 2^31 (systemd's "unused" block, 1879048192–2147483647), so no host user's files belong to a
 * build, and two builds never share an owner: one cannot signal, trace or read the other's files
 * even where their mounts would meet, and a fork bomb exhausts its own process limit only.
 */
import { execFile } from "node:child_process";
import type { SandboxUsers } from "./types.js";

/** Ids per range: every id a Linux distribution's users and groups use, as in rootless containers. */
export const RANGE_SIZE = 65_536;
/** First host id of the first range. */
export const DEFAULT_RANGE_BASE = 1_879_048_192;
/** Ranges that fit below 2^31 from the default base. */
const MAX_RANGES = Math.floor((2 ** 31 - DEFAULT_RANGE_BASE) / RANGE_SIZE);

/** Hands out ranges, lowest free first, within one process. */
export class IdRanges {
  private readonly used = new Set<number>();

  constructor(
    private readonly base = DEFAULT_RANGE_BASE,
    private readonly count = MAX_RANGES,
  ) {}

  /** A free range. @throws Error when every range is in use. */
  reserve(): SandboxUsers {
    let slot = 0;
    while (this.used.has(slot)) slot++;
    if (slot >= this.count) throw new Error(`all ${this.count} sandbox id ranges are in use`);
    this.used.add(slot);
    const first = this.base + slot * RANGE_SIZE;
    let released = false;
    return {
      mapped: true,
      hostUid: (id) => mapId(first, id),
      hostGid: (id) => mapId(first, id),
      adopt: (path) => chownTree(path, first),
      release: () => {
        if (released) return;
        released = true;
        this.used.delete(slot);
      },
    };
  }
}

/** The server's own user: no mapping. */
export const UNMAPPED_USERS: SandboxUsers = {
  mapped: false,
  hostUid: (id) => id,
  hostGid: (id) => id,
  adopt: async () => undefined,
  release: () => undefined,
};

function mapId(first: number, id: number): number {
  if (!Number.isInteger(id) || id < 0 || id >= RANGE_SIZE) {
    throw new RangeError(`id ${id} is outside the sandbox's range 0…${RANGE_SIZE - 1}`);
  }
  return first + id;
}

/** `chown -R -h`: physical walk, links themselves changed and never followed. */
function chownTree(path: string, id: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("chown", ["-R", "-h", "-P", `${id}:${id}`, "--", path], (err, _stdout, stderr) => {
      if (err) reject(new Error(`chown ${path}: ${stderr.trim() || err.message}`));
      else resolve();
    });
  });
}
