/**
 * Everything the runner does to a build's files on the build's behalf — unpacking sources and
 * caches, reading the buildspec and report files, collecting artifacts and caches, handing files
 * to a run-as user — happens here, and here it happens inside the build's own sandbox: the same
 * mounts, the same (unprivileged) users, no network. The host only sends and receives byte streams
 * (a tar archive, a file's bytes, a listing) and never opens a path of the build's tree itself, so
 * no path, link or race the build sets up can make the host read or write anything the build could
 * not: a `../../..` is resolved in the sandbox's view, a link to the data directory leads to an
 * empty directory, and a directory swapped for a link mid-way changes only what the sandbox sees.
 *
 * The programs are the host's own `find`, `tar`, `head` and `chown` (GNU), seen read-only inside.
 */
import type { Readable } from "node:stream";
import type { Sandbox, SandboxProcess, SandboxUsers } from "../../platform/sandbox/index.js";
import { buildMounts, type BuildDirs } from "./build-dirs.js";
import { parseListing, type ListedPath } from "./file-list.js";

/** How a helper program ended. */
export interface HelperResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Its standard output (for {@link Workspace.run}; empty when streamed). */
  stdout: Buffer;
  /** The end of its standard error. */
  stderr: string;
}

/** A helper program that could not do its work. */
export class WorkspaceError extends Error {
  constructor(
    message: string,
    readonly result?: HelperResult,
  ) {
    super(message);
    this.name = "WorkspaceError";
  }
}

/** What a {@link Workspace} needs. */
export interface WorkspaceOptions {
  sandbox: Sandbox;
  users: SandboxUsers;
  dirs: BuildDirs;
  /** Host directories the build must not see (the data directory). */
  hiddenPaths?: string[];
  /** Names the helpers' process trees (the build id). */
  id: string;
  /** Aborting kills every helper still running (StopBuild, timeouts). */
  signal?: AbortSignal;
}

/**
 * What helpers may do beyond an unprivileged user: read and write every file of the build whoever
 * it belongs to (a run-as user's 0600 output) and hand files over. In a user namespace of mapped
 * ids these reach only the build's own files: a capability never applies to a file whose owner the
 * namespace does not map, as the host's files' owners are not.
 */
const HELPER_CAPABILITIES = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER"];

/** Most bytes of a helper's standard error kept for messages. */
const STDERR_LIMIT = 8192;

/** The build's files, reached from inside its sandbox. */
export class Workspace {
  constructor(private readonly options: WorkspaceOptions) {}

  get dirs(): BuildDirs {
    return this.options.dirs;
  }

  /**
   * The paths under `base` (inside path) with their types, relative to it. `follow`: links are
   * followed (`find -L`: a link shows as what it points to; a broken one as a link); otherwise
   * they are listed as links.
   * @throws WorkspaceError when `base` is not a directory the build can read.
   */
  async list(base: string, follow: boolean): Promise<ListedPath[]> {
    const result = await this.run([
      "find",
      follow ? "-L" : "-H",
      base,
      "-mindepth",
      "1",
      "-printf",
      "%y\\t%P\\0",
    ]);
    // find exits 1 for a loop or an unreadable subdirectory, which it skips: only a missing base fails.
    if (result.code !== 0 && result.stdout.length === 0) {
      throw new WorkspaceError(firstLine(result.stderr) || `cannot list ${base}`, result);
    }
    return parseListing(result.stdout);
  }

  /**
   * The bytes of the regular file at `path` (inside path; links followed in the sandbox's view), or
   * undefined when there is none.
   * @throws WorkspaceError when it is bigger than `limit` bytes or cannot be read.
   */
  async read(path: string, limit: number): Promise<Buffer | undefined> {
    const script = 'test -e "$1" || exit 3; test -f "$1" || exit 4; exec head -c "$2" -- "$1"';
    const result = await this.run(["sh", "-c", script, "sh", path, String(limit + 1)]);
    if (result.code === 3) return undefined;
    if (result.code === 4) throw new WorkspaceError(`${path} is not a regular file`, result);
    if (result.code !== 0)
      throw new WorkspaceError(firstLine(result.stderr) || `cannot read ${path}`, result);
    if (result.stdout.length > limit)
      throw new WorkspaceError(`${path} is larger than ${limit} bytes`, result);
    return result.stdout;
  }

  /**
   * A tar stream of `names` (relative to `base`), written by the sandbox's tar. `dereference`: links
   * are stored as the files they point to; otherwise as links. `done` settles when tar has ended;
   * a file that vanished or changed meanwhile is a warning (exit 1), not a failure.
   */
  async pack(
    base: string,
    names: string[],
    dereference: boolean,
  ): Promise<{ tar: Readable; done: Promise<HelperResult> }> {
    const command = ["tar", "-c", "-f", "-", "--null", "--no-recursion", "--verbatim-files-from"];
    if (dereference) command.push("--dereference");
    command.push("-C", base, "-T", "-");
    const input = Buffer.from(names.map((n) => `${n}\0`).join(""));
    const { stdout, done } = await this.open(command, input);
    return { tar: stdout, done };
  }

  /**
   * Unpacks tar stream `tar` into `dir` (inside path) with the sandbox's tar, as the build's root.
   * @throws WorkspaceError when tar fails.
   */
  async extract(tar: Readable, dir: string): Promise<HelperResult> {
    // A stream that fails (a bad zip behind it, an unsafe entry name) is the reason, not tar's EOF.
    let inputError: Error | undefined;
    tar.on("error", (err) => (inputError ??= err));
    const { stdout, done } = await this.open(["tar", "-x", "-f", "-", "--no-same-owner", "-C", dir], tar);
    stdout.resume();
    const result = await done;
    if (inputError) throw new WorkspaceError(inputError.message, result);
    if (result.code !== 0) throw new WorkspaceError(lastLines(result.stderr) || "tar failed", result);
    return result;
  }

  /**
   * Writes `content` to the file at `path` (inside path), replacing it; a link there is replaced,
   * not followed.
   * @throws WorkspaceError when it cannot be written.
   */
  async write(path: string, content: string | Buffer): Promise<void> {
    const script = 'rm -f -- "$1" && cat > "$1"';
    const result = await this.run(["sh", "-c", script, "sh", path], Buffer.from(content));
    if (result.code !== 0)
      throw new WorkspaceError(lastLines(result.stderr) || `cannot write ${path}`, result);
  }

  /**
   * Gives `paths` (inside paths, recursively, links themselves) to uid and gid as seen inside.
   * @throws WorkspaceError when chown fails.
   */
  async chown(paths: string[], uid: number, gid: number): Promise<void> {
    const result = await this.run(["chown", "-R", "-h", "-P", `${uid}:${gid}`, "--", ...paths]);
    if (result.code !== 0) throw new WorkspaceError(lastLines(result.stderr) || "chown failed", result);
  }

  /** Runs `command` inside and collects its output (at most `limit` bytes; default 256 MiB). */
  async run(command: string[], input?: Buffer | Readable, limit = 256 * 2 ** 20): Promise<HelperResult> {
    const { stdout, done } = await this.open(command, input);
    const chunks: Buffer[] = [];
    let size = 0;
    stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    const result = await done;
    if (size > limit) throw new WorkspaceError(`${command[0]} printed more than ${limit} bytes`, result);
    return { ...result, stdout: Buffer.concat(chunks) };
  }

  /** Starts `command` inside with `input` on its standard input; its standard output is streamed. */
  async open(
    command: string[],
    input?: Buffer | Readable,
  ): Promise<{ stdout: Readable; done: Promise<HelperResult> }> {
    const { sandbox, users, dirs, signal } = this.options;
    if (signal?.aborted) throw new WorkspaceError("the build was stopped");
    const proc = await sandbox.spawn({
      command,
      cwd: dirs.inside.src,
      env: {
        PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
        LANG: "C.UTF-8",
        HOME: dirs.inside.home,
      },
      mounts: buildMounts(dirs),
      tmpDir: dirs.host.tmp,
      hiddenPaths: this.options.hiddenPaths,
      network: "none",
      users,
      ...(users.mapped && { capabilities: HELPER_CAPABILITIES }),
      id: this.options.id,
    });
    const onAbort = () => proc.killTree();
    signal?.addEventListener("abort", onAbort);
    feed(proc, input);
    let stderr = "";
    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_LIMIT);
    });
    const done = (async (): Promise<HelperResult> => {
      const exit = await proc.exited;
      // Output still in the pipes belongs to the result.
      await Promise.all([closed(proc.stdout), closed(proc.stderr)]);
      signal?.removeEventListener("abort", onAbort);
      if (exit.error) throw new WorkspaceError(`${command[0]} could not start: ${exit.error.message}`);
      return { code: exit.code, signal: exit.signal, stdout: Buffer.alloc(0), stderr };
    })();
    return { stdout: proc.stdout, done };
  }
}

function feed(proc: SandboxProcess, input: Buffer | Readable | undefined): void {
  // A helper that exits without reading all of its input makes the pipe fail: that is its exit's news.
  proc.stdin.on("error", () => undefined);
  if (input === undefined) proc.stdin.end();
  else if (Buffer.isBuffer(input)) proc.stdin.end(input);
  else {
    input.on("error", (err) => proc.stdin.destroy(err));
    input.pipe(proc.stdin);
  }
}

function closed(stream: Readable): Promise<void> {
  if (stream.destroyed || stream.readableEnded) return Promise.resolve();
  return new Promise((resolve) => stream.once("close", () => resolve()));
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join("; ");
}
