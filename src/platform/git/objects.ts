import { runGit } from "./git.js";

/** The id of the empty tree, which git knows without storing it (SHA-1 repositories). */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** What `git cat-file` knows about one object. */
export interface ObjectInfo {
  type: "blob" | "tree" | "commit" | "tag";
  size: number;
}

/** The type and size of an object, or undefined when the repository does not hold it. */
export async function objectInfo(gitDir: string, oid: string): Promise<ObjectInfo | undefined> {
  if (!/^[0-9a-f]{40}$/.test(oid)) return undefined;
  const { stdout } = await runGit(["cat-file", "--batch-check=%(objecttype) %(objectsize)"], {
    gitDir,
    input: `${oid}\n`,
  });
  const [type, size] = stdout.toString("utf8").trim().split(" ");
  if (size === "missing" || size === undefined) return undefined;
  return { type: type as ObjectInfo["type"], size: Number(size) };
}

/**
 * The bytes of a blob. Reading stops at `maxBytes` (the caller checks the size first and refuses
 * larger blobs with its own error; this bound only guards the server's memory).
 */
export async function readBlob(gitDir: string, oid: string, maxBytes: number): Promise<Buffer> {
  const { stdout } = await runGit(["cat-file", "blob", oid], { gitDir, maxOutputBytes: maxBytes });
  return stdout;
}

/** Stores `content` as a blob and returns its id. */
export async function writeBlob(gitDir: string, content: Buffer): Promise<string> {
  const { stdout } = await runGit(["hash-object", "-w", "--stdin"], { gitDir, input: content });
  return stdout.toString("utf8").trim();
}

/** A person and time line of a commit: `name`, `email` and git's raw `<epoch> <tz>` date. */
export interface CommitIdentity {
  name: string;
  email: string;
  /** `1484167798 -0800`: seconds since the epoch and the author's UTC offset, as git stores it. */
  date: string;
}

/** A parsed commit object. */
export interface CommitObject {
  commitId: string;
  treeId: string;
  parents: string[];
  author: CommitIdentity;
  committer: CommitIdentity;
  message: string;
}

function parseIdentity(line: string): CommitIdentity {
  const m = /^(.*?) ?<([^>]*)> ?(.*)$/.exec(line);
  if (!m) return { name: line, email: "", date: "" };
  return { name: m[1] ?? "", email: m[2] ?? "", date: m[3] ?? "" };
}

/** Parses the raw text of a commit object (`git cat-file commit`). */
export function parseCommit(commitId: string, raw: Buffer): CommitObject {
  const text = raw.toString("utf8");
  const split = text.indexOf("\n\n");
  const header = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? "" : text.slice(split + 2);
  const commit: CommitObject = {
    commitId,
    treeId: "",
    parents: [],
    author: { name: "", email: "", date: "" },
    committer: { name: "", email: "", date: "" },
    message,
  };
  for (const line of header.split("\n")) {
    // Continuation lines (a signature's) start with a space and belong to a header we ignore.
    if (line.startsWith(" ")) continue;
    const space = line.indexOf(" ");
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === "tree") commit.treeId = value;
    else if (key === "parent") commit.parents.push(value);
    else if (key === "author") commit.author = parseIdentity(value);
    else if (key === "committer") commit.committer = parseIdentity(value);
  }
  return commit;
}

/**
 * Reads many commits in one `git cat-file --batch`: each id maps to its commit, or to undefined
 * when the repository holds no commit by that id. Ids must be full 40-hex ids.
 */
export async function readCommits(
  gitDir: string,
  oids: readonly string[],
): Promise<Map<string, CommitObject | undefined>> {
  const result = new Map<string, CommitObject | undefined>();
  const wanted = [...new Set(oids)].filter((oid) => /^[0-9a-f]{40}$/.test(oid));
  if (wanted.length === 0) return result;
  // Types first, so an id that names a large blob is never read.
  const check = await runGit(["cat-file", "--batch-check=%(objectname) %(objecttype)"], {
    gitDir,
    input: wanted.map((oid) => `${oid}\n`).join(""),
  });
  const commits: string[] = [];
  for (const line of check.stdout.toString("utf8").split("\n")) {
    const [oid = "", type] = line.split(" ");
    if (type === "commit") commits.push(oid);
  }
  for (const oid of wanted) result.set(oid, undefined);
  if (commits.length === 0) return result;
  const { stdout } = await runGit(["cat-file", "--batch"], {
    gitDir,
    input: commits.map((oid) => `${oid}\n`).join(""),
    maxOutputBytes: 256 * 1024 * 1024,
  });
  let at = 0;
  for (const oid of commits) {
    const eol = stdout.indexOf(0x0a, at);
    const head = stdout.subarray(at, eol).toString("utf8").split(" ");
    at = eol + 1;
    if (head[1] === "missing" || head[1] === "ambiguous") {
      result.set(oid, undefined);
      continue;
    }
    const size = Number(head[2]);
    const body = stdout.subarray(at, at + size);
    at += size + 1;
    result.set(oid, head[1] === "commit" ? parseCommit(oid, body) : undefined);
  }
  return result;
}

/** One changed path between two trees (`git diff-tree --raw`). */
export interface TreeChange {
  status: "A" | "M" | "D" | "T";
  oldMode: string;
  newMode: string;
  oldOid: string;
  newOid: string;
  path: string;
}

/**
 * Every file that differs between two tree-ish objects (commits, trees, or `<commit>:<dir>`),
 * recursively, renames not detected; `paths` limits the comparison (literal paths, not patterns).
 */
export async function diffTrees(
  gitDir: string,
  before: string,
  after: string,
  paths: readonly string[] = [],
): Promise<TreeChange[]> {
  const args = ["diff-tree", "-z", "-r", "--no-renames", "--no-commit-id", before, after];
  if (paths.length > 0) args.push("--", ...paths);
  const { stdout } = await runGit(args, { gitDir, env: { GIT_LITERAL_PATHSPECS: "1" } });
  const parts = stdout.toString("utf8").split("\0");
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = parts[i] ?? "";
    const [oldMode = "", newMode = "", oldOid = "", newOid = "", status = ""] = meta.slice(1).split(" ");
    changes.push({
      status: status.charAt(0) as TreeChange["status"],
      oldMode,
      newMode,
      oldOid,
      newOid,
      path: parts[i + 1] ?? "",
    });
  }
  return changes;
}

/** The best common ancestor of two commits (`git merge-base`), or undefined when they share none. */
export async function mergeBase(gitDir: string, a: string, b: string): Promise<string | undefined> {
  const { exitCode, stdout } = await runGit(["merge-base", a, b], { gitDir, okExitCodes: [1] });
  return exitCode === 0 ? stdout.toString("utf8").trim() : undefined;
}
