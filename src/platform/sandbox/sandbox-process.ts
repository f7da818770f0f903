import type { ChildProcess } from "node:child_process";
import { PassThrough, type Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { SandboxExit, SandboxProcess } from "./types.js";

/** How one sandbox kind reaches every process of a tree it started. */
export interface TreeControl {
  /** Sends `signal` to every process of the tree. */
  signal(signal: NodeJS.Signals): void;
  /** Processes of the tree still running (zombies do not count). */
  remaining(): number[];
}

const POLL_MS = 20;
/** How long `terminate` waits after SIGKILL; the kernel needs a moment to tear a tree down. */
const KILL_WAIT_MS = 2000;

/** Wraps a spawned child into a {@link SandboxProcess} whose tree is reached through `tree`. */
export function wrapChild(child: ChildProcess, extraOutputs: number, tree: TreeControl): SandboxProcess {
  const exited = new Promise<SandboxExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    // A program that cannot start emits only "error" (ENOENT, EACCES), never "exit".
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  const extra: Readable[] = [];
  for (let fd = 3; fd < 3 + extraOutputs; fd++) extra.push(held(child.stdio[fd] as Readable));

  const gone = (): boolean => ended && tree.remaining().length === 0;
  const waitGone = async (ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (!gone()) {
      if (Date.now() >= deadline) return false;
      await sleep(POLL_MS);
    }
    return true;
  };

  if (!child.stdin || !child.stdout || !child.stderr) throw new Error("sandbox child spawned without pipes");
  return {
    pid: child.pid ?? -1,
    stdin: child.stdin,
    stdout: held(child.stdout),
    stderr: held(child.stderr),
    extraOutputs: extra,
    exited,
    killTree(signal: NodeJS.Signals = "SIGKILL") {
      tree.signal(signal);
    },
    async terminate(graceMs = 1000) {
      tree.signal("SIGTERM");
      if (await waitGone(graceMs)) return;
      tree.signal("SIGKILL");
      // Processes forked between the scan and the signal survive one round; keep going until none.
      const deadline = Date.now() + KILL_WAIT_MS;
      while (!(await waitGone(POLL_MS * 3)) && Date.now() < deadline) tree.signal("SIGKILL");
    },
  };
}

/**
 * `output` with a reader attached now. When a child exits, Node resumes each of its output streams
 * that nobody reads yet, and what it held is gone: a consumer that attaches after an `await` (an
 * import, a file check) would find a short helper's whole output missing — a tar stream of
 * artifacts read as empty. Piped into a stream of our own, the bytes wait for their reader.
 */
function held(output: Readable): Readable {
  const kept = new PassThrough({ highWaterMark: 64 * 1024 });
  output.on("error", (err) => kept.destroy(err));
  return output.pipe(kept);
}
