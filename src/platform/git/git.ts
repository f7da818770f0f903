import { spawn } from "node:child_process";

/** A git command that failed: its arguments, exit status and what it wrote to stderr. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(
      `git ${args.join(" ")} failed (${exitCode === null ? "killed" : `exit ${exitCode}`}): ${stderr.trim()}`,
    );
    this.name = "GitError";
  }
}

/** Options of one git invocation. */
export interface GitRunOptions {
  /** The repository (`GIT_DIR`); a bare repository's directory. */
  gitDir?: string;
  /** Bytes written to git's stdin. */
  input?: string | Buffer;
  /** Extra environment; the server's own `GIT_*` variables are never passed on. */
  env?: Record<string, string>;
  /** Exit statuses that are answers, not failures (e.g. 1 for `merge-base --is-ancestor`). */
  okExitCodes?: readonly number[];
  /** Largest stdout kept, in bytes; past it the command is killed and fails. Default 64 MiB. */
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

/** What a finished git command printed. */
export interface GitResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * The environment git runs in: the caller's PATH and HOME without any `GIT_*` variable (a server
 * started from inside a git hook must not leak its repository into ours), no system or global
 * configuration (a user's `~/.gitconfig` must not change what the server does), and a fixed locale
 * so messages can be matched.
 */
export function gitEnv(extra: Record<string, string> = {}, gitDir?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_")) env[k] = v;
  env.GIT_CONFIG_NOSYSTEM = "1";
  env.GIT_CONFIG_GLOBAL = "/dev/null";
  env.GIT_TERMINAL_PROMPT = "0";
  env.LC_ALL = "C";
  if (gitDir !== undefined) env.GIT_DIR = gitDir;
  return { ...env, ...extra };
}

/** Runs `git <args>` and collects its output; rejects with {@link GitError} on a failing status. */
export function runGit(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
  const max = options.maxOutputBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      env: gitEnv(options.env, options.gitDir),
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let overflow = false;
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > max) {
        overflow = true;
        child.kill("SIGKILL");
        return;
      }
      out.push(chunk);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      if (err.length < 64 * 1024) err += chunk;
    });
    child.on("error", reject);
    child.stdin.on("error", () => {
      // git may exit before reading all of its input (e.g. on a bad object); the status says why.
    });
    child.stdin.end(options.input ?? "");
    child.on("close", (code) => {
      if (overflow) {
        reject(new GitError(args, code, `output larger than ${max} bytes`));
        return;
      }
      if (code === 0 || (code !== null && options.okExitCodes?.includes(code))) {
        resolve({ exitCode: code, stdout: Buffer.concat(out), stderr: err });
      } else {
        reject(new GitError(args, code, err));
      }
    });
  });
}

/** Runs git and returns its stdout as text without the final newline. */
export async function gitText(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
  const { stdout } = await runGit(args, options);
  return stdout.toString("utf8").replace(/\n$/, "");
}
