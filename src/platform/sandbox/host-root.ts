/** What of the host's root directory a bubblewrap sandbox shows. */
import { lstatSync, readdirSync, readlinkSync } from "node:fs";

/** A top-level entry of the host's `/` that the sandbox binds read-only or recreates as a link. */
export type RootEntry = { kind: "dir"; path: string } | { kind: "link"; path: string; target: string };

/**
 * Never shown: the kernel's and bwrap's own (/proc, /dev), what the sandbox makes itself (/tmp,
 * /run, /root, /home, /codebuild), and the host's people (home directories hold SSH keys, cloud
 * credentials and tokens).
 */
const LEFT_OUT = new Set(["proc", "dev", "tmp", "run", "root", "home", "codebuild", "lost+found"]);

/**
 * The top-level directories and links of `/` a sandbox shows: directories every user may enter
 * (so /usr, /etc, /opt, /var, but not a 0700 directory of the host's), and links as links (a
 * merged /usr's `/bin → usr/bin`). Read once per sandbox: the host's layout rarely changes.
 */
export function hostRootLayout(): RootEntry[] {
  const entries: RootEntry[] = [];
  for (const name of readdirSync("/").sort()) {
    if (LEFT_OUT.has(name)) continue;
    const path = `/${name}`;
    try {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) entries.push({ kind: "link", path, target: readlinkSync(path) });
      else if (stat.isDirectory() && (stat.mode & 0o001) !== 0) entries.push({ kind: "dir", path });
    } catch {
      // Gone meanwhile.
    }
  }
  return entries;
}
