import { runGit } from "./git.js";
import { writeBlob } from "./objects.js";

/** One entry of a tree: a file, a symbolic link, a folder or a submodule. */
export interface TreeEntry {
  name: string;
  /** git's octal mode: `100644`, `100755`, `120000`, `040000`, `160000`. */
  mode: string;
  type: "blob" | "tree" | "commit";
  oid: string;
  /** The blob's size in bytes (blobs read from the repository only). */
  size?: number;
}

/** The folder part of a slash-separated path (`""` for the root). */
export function parentDir(filePath: string): string {
  const i = filePath.lastIndexOf("/");
  return i === -1 ? "" : filePath.slice(0, i);
}

/** The last component of a slash-separated path. */
export function baseName(filePath: string): string {
  return filePath.slice(filePath.lastIndexOf("/") + 1);
}

/** Lists one tree object (`git ls-tree -l`). */
export async function listTree(gitDir: string, treeOid: string): Promise<TreeEntry[]> {
  const { stdout } = await runGit(["ls-tree", "-z", "-l", treeOid], { gitDir });
  const entries: TreeEntry[] = [];
  for (const record of stdout.toString("utf8").split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    const [mode = "", type = "", oid = "", size = "-"] = record.slice(0, tab).split(/ +/);
    entries.push({
      name: record.slice(tab + 1),
      mode,
      type: type as TreeEntry["type"],
      oid,
      ...(size !== "-" ? { size: Number(size) } : {}),
    });
  }
  return entries;
}

/**
 * Reads and edits a tree without a work tree or an index: only the folders along the paths asked
 * about are listed, and only the folders that changed are written again (`git mktree`, deepest
 * first), so the cost follows the change, not the size of the repository.
 */
export class TreeEditor {
  private readonly listings = new Map<string, Promise<Map<string, TreeEntry> | undefined>>();
  private readonly edits = new Map<string, Map<string, TreeEntry | null>>();

  /** `rootTree` undefined: an empty repository's first commit. */
  constructor(
    private readonly gitDir: string,
    private readonly rootTree: string | undefined,
  ) {}

  /** A folder's entries before any edit, or undefined when the path is not a folder. */
  private baseListing(dir: string): Promise<Map<string, TreeEntry> | undefined> {
    let listing = this.listings.get(dir);
    if (!listing) {
      listing = (async () => {
        let oid = this.rootTree;
        if (dir !== "") {
          const parent = await this.baseListing(parentDir(dir));
          const entry = parent?.get(baseName(dir));
          if (entry?.type !== "tree") return undefined;
          oid = entry.oid;
        }
        if (oid === undefined) return new Map<string, TreeEntry>();
        return new Map((await listTree(this.gitDir, oid)).map((e) => [e.name, e]));
      })();
      this.listings.set(dir, listing);
    }
    return listing;
  }

  /** The entry at `path` with this editor's changes applied, or undefined. `""` is not an entry. */
  async entry(path: string): Promise<TreeEntry | undefined> {
    const edited = this.edits.get(parentDir(path))?.get(baseName(path));
    if (edited !== undefined) return edited ?? undefined;
    return (await this.baseListing(parentDir(path)))?.get(baseName(path));
  }

  /** A folder's entries as they were before any edit (the root is `""`), or undefined. */
  async list(dir: string): Promise<TreeEntry[] | undefined> {
    const listing = await this.baseListing(dir);
    return listing ? [...listing.values()] : undefined;
  }

  /** Adds or replaces the file at `path`. */
  put(path: string, mode: string, oid: string): void {
    this.edit(path, { name: baseName(path), mode, type: mode === "160000" ? "commit" : "blob", oid });
  }

  /** Removes the file at `path`. */
  remove(path: string): void {
    this.edit(path, null);
  }

  private edit(path: string, entry: TreeEntry | null): void {
    const dir = parentDir(path);
    let edits = this.edits.get(dir);
    if (!edits) this.edits.set(dir, (edits = new Map()));
    edits.set(baseName(path), entry);
  }

  /**
   * Writes every changed folder and returns the new root tree. A folder left empty disappears, as
   * git cannot hold empty folders; `keepEmptyFolders` puts an empty `.gitkeep` in it instead.
   */
  async write(options: { keepEmptyFolders?: boolean } = {}): Promise<string> {
    const dirs = new Set<string>();
    for (const dir of this.edits.keys()) {
      for (let d = dir; ; d = parentDir(d)) {
        dirs.add(d);
        if (d === "") break;
      }
    }
    const depth = (d: string) => (d === "" ? 0 : d.split("/").length);
    const ordered = [...dirs].sort((a, b) => depth(b) - depth(a));
    const written = new Map<string, string | undefined>();
    let gitkeep: string | undefined;
    for (const dir of ordered) {
      const entries = new Map(await this.baseListing(dir));
      for (const [name, entry] of this.edits.get(dir) ?? []) {
        if (entry === null) entries.delete(name);
        else entries.set(name, entry);
      }
      for (const [child, oid] of written) {
        if (child === "" || parentDir(child) !== dir) continue;
        const name = baseName(child);
        if (oid === undefined) entries.delete(name);
        else entries.set(name, { name, mode: "040000", type: "tree", oid });
      }
      if (entries.size === 0 && dir !== "") {
        if (!options.keepEmptyFolders) {
          written.set(dir, undefined);
          continue;
        }
        gitkeep ??= await writeBlob(this.gitDir, Buffer.alloc(0));
        entries.set(".gitkeep", { name: ".gitkeep", mode: "100644", type: "blob", oid: gitkeep });
      }
      const input = [...entries.values()].map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.name}\0`).join("");
      const { stdout } = await runGit(["mktree", "-z"], { gitDir: this.gitDir, input });
      written.set(dir, stdout.toString("utf8").trim());
    }
    return written.get("") ?? this.rootTree ?? (await this.emptyTree());
  }

  private async emptyTree(): Promise<string> {
    const { stdout } = await runGit(["mktree", "-z"], { gitDir: this.gitDir, input: "" });
    return stdout.toString("utf8").trim();
  }
}
