/**
 * Reading a whole tree's files without a work tree and without holding them in memory: the tree
 * is listed once (`git ls-tree -r`), and the blobs come one after another, each as a stream, from
 * one long-lived `git cat-file --batch` — one process for the whole tree, not one per file.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { Readable } from "node:stream";
import { GitError, gitEnv, runGit } from "./git.js";

/** One entry of a recursive tree listing. */
export interface TreeFile {
  /** Slash-separated path from the tree's root. */
  path: string;
  /** git's octal mode: `100644`, `100755`, `120000` (link) or `160000` (submodule). */
  mode: string;
  type: "blob" | "commit";
  oid: string;
}

/** Every file, link and submodule under `treeish` (a commit or a tree), recursively, in git's order. */
export async function listTreeFiles(gitDir: string, treeish: string): Promise<TreeFile[]> {
  const { stdout } = await runGit(["ls-tree", "-r", "-z", "--full-tree", "--end-of-options", treeish], {
    gitDir,
    maxOutputBytes: 512 * 1024 * 1024,
  });
  const files: TreeFile[] = [];
  for (const record of stdout.toString("utf8").split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    const [mode = "", type = "", oid = ""] = record.slice(0, tab).split(" ");
    files.push({ path: record.slice(tab + 1), mode, type: type as TreeFile["type"], oid });
  }
  return files;
}

/** One blob on its way out of a {@link BlobReader}. */
export interface BlobContent {
  size: number;
  /** The blob's bytes; read it to its end before asking the reader for the next blob. */
  stream: Readable;
}

/**
 * Blobs of one repository, one at a time, from a single `git cat-file --batch`. Ask for the next
 * blob only once the previous one's stream has ended; close() the reader when done (or on error).
 */
export class BlobReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);
  private busy = false;
  private stderr = "";
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.chunks = (child.stdout as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      if (this.stderr.length < 16 * 1024) this.stderr += text;
    });
    child.stdin.on("error", () => undefined);
    this.exited = new Promise((resolve) => {
      child.on("error", () => resolve(null));
      // "exit", not "close": a reader closed halfway leaves unread output that would hold "close" back.
      child.on("exit", (code) => resolve(code));
    });
  }

  /** Starts `git cat-file --batch` in `gitDir`; `signal` kills it. */
  static open(gitDir: string, signal?: AbortSignal): BlobReader {
    const child = spawn("git", ["cat-file", "--batch"], {
      env: gitEnv({}, gitDir),
      stdio: ["pipe", "pipe", "pipe"],
      ...(signal ? { signal } : {}),
    });
    // An abort surfaces as the reads' failure; the process's own error event must not throw.
    child.on("error", () => undefined);
    return new BlobReader(child);
  }

  /**
   * The blob `oid`: its size, and a stream of exactly that many bytes.
   * @throws Error when the object is missing or not a blob, or git failed.
   */
  async read(oid: string): Promise<BlobContent> {
    if (this.busy) throw new Error("BlobReader: the previous blob has not been read to its end");
    if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(oid)) throw new Error(`not an object id: ${oid}`);
    this.busy = true;
    this.child.stdin.write(`${oid}\n`);
    const header = await this.line();
    const [, type, sizeText] = header.split(" ");
    const size = Number(sizeText);
    if (type !== "blob" || !Number.isSafeInteger(size)) {
      // Another kind of object still comes with its bytes: skip them, to stay in step with git.
      if (sizeText !== undefined && Number.isSafeInteger(size)) for await (const _ of this.body(size));
      this.busy = false;
      throw new Error(`${oid} is not a blob in this repository (${header.trim()})`);
    }
    const stream = Readable.from(this.body(size), { objectMode: false });
    return { size, stream };
  }

  /** Ends git and waits for it. */
  async close(): Promise<void> {
    this.child.stdin.end();
    if (this.busy) {
      this.child.kill("SIGKILL");
      this.child.stdout.destroy();
    }
    await this.exited;
  }

  private async *body(size: number): AsyncGenerator<Buffer> {
    let left = size;
    while (left > 0) {
      if (this.pending.length === 0) await this.fill();
      const take = Math.min(left, this.pending.length);
      const chunk = this.pending.subarray(0, take);
      this.pending = this.pending.subarray(take);
      left -= take;
      yield chunk;
    }
    // cat-file ends each object with a newline.
    if (this.pending.length === 0) await this.fill();
    this.pending = this.pending.subarray(1);
    this.busy = false;
  }

  private async line(): Promise<string> {
    for (;;) {
      const eol = this.pending.indexOf(0x0a);
      if (eol >= 0) {
        const text = this.pending.subarray(0, eol).toString("utf8");
        this.pending = this.pending.subarray(eol + 1);
        return text;
      }
      await this.fill();
    }
  }

  private async fill(): Promise<void> {
    const next = await this.chunks.next();
    if (next.done) {
      const code = await this.exited;
      throw new GitError(["cat-file", "--batch"], code, this.stderr || "git ended before the object did");
    }
    this.pending = this.pending.length === 0 ? next.value : Buffer.concat([this.pending, next.value]);
  }
}
