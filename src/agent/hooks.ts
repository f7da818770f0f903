/**
 * Running one appspec hook script as AWS's agent does: the script is run directly (its `#!` line
 * says how), from the revision's root, with the deployment's variables in its environment, as
 * `runas` when given; past its timeout, or when the deployment is stopped, its whole process tree
 * is ended (daemons that left with `setsid` or `nohup` included). Output goes to the deployment's
 * script log; a failure carries only its last {@link LOG_TAIL_CHARS} characters.
 */
import { constants, createWriteStream, type WriteStream } from "node:fs";
import { access, lstat, mkdir, realpath } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import type { Readable } from "node:stream";
import type { AppSpecHookScript } from "../formats/index.js";
import { createProcessSandbox, type SandboxProcess } from "../platform/sandbox/index.js";
import { CommandFailure, LOG_TAIL_CHARS } from "./errors.js";
import { isRoot, lookupUser } from "./users.js";

/** What running a hook script needs. */
export interface RunScriptInput {
  script: AppSpecHookScript;
  /** The lifecycle event, e.g. `AfterInstall`. */
  lifecycleEvent: string;
  /** The unpacked revision the script's location is relative to. */
  archiveDir: string;
  /** Variables added to the agent's own environment. */
  env: Record<string, string>;
  /** Where the script's output is appended (`[stdout]…` / `[stderr]…` lines), as AWS's scripts.log. */
  logFile: string;
  /** Aborted when the deployment is stopped: the tree is ended and the script fails. */
  signal?: AbortSignal;
  /** Seconds between SIGTERM and SIGKILL; default 5. */
  killGraceSeconds?: number;
}

/** Keeps the last `limit` characters written to it. */
class Tail {
  private text = "";
  constructor(private readonly limit: number) {}
  add(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

/**
 * Runs one script to its end; returns the tail of its output (stdout and stderr, as logged).
 * @throws CommandFailure with ScriptMissing, ScriptNotExecutable, ScriptTimedOut, ScriptFailed,
 *   OutputsLeftOpen or UnknownError (runas impossible, stopped deployment).
 */
export async function runHookScript(input: RunScriptInput): Promise<string> {
  const { script } = input;
  const path = await scriptPath(input.archiveDir, script.location, input.lifecycleEvent);
  const command = await commandFor(path, script);
  await mkdir(dirname(input.logFile), { recursive: true });
  const log = createWriteStream(input.logFile, { flags: "a" });
  const tail = new Tail(LOG_TAIL_CHARS);
  const sandbox = createProcessSandbox({
    reason: "a deployment's scripts run as the agent's host processes",
  });
  let child: SandboxProcess;
  try {
    child = await sandbox.spawn({
      command,
      cwd: input.archiveDir,
      env: { ...stringEnv(process.env), ...input.env, LIFECYCLE_EVENT: input.lifecycleEvent },
      network: "host",
    });
  } catch (err) {
    log.end();
    throw new CommandFailure(
      "UnknownError",
      `${script.location} could not be started: ${(err as Error).message}`,
      script.location,
    );
  }
  child.stdin.end();
  const outputsClosed = Promise.all([
    pump(child.stdout, "stdout", log, tail, input.lifecycleEvent),
    pump(child.stderr, "stderr", log, tail, input.lifecycleEvent),
  ]);
  const graceMs = (input.killGraceSeconds ?? 5) * 1000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await new Promise<"done" | "timeout" | "stopped">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), script.timeoutSeconds * 1000);
    input.signal?.addEventListener("abort", () => resolve("stopped"), { once: true });
    if (input.signal?.aborted) resolve("stopped");
    void Promise.all([child.exited, outputsClosed]).then(() => resolve("done"));
  });
  clearTimeout(timer);
  const exit = await Promise.race([child.exited, Promise.resolve(undefined)]);
  if (outcome !== "done") await child.terminate(graceMs);
  await Promise.race([outputsClosed, new Promise((r) => setTimeout(r, 1000))]);
  await new Promise<void>((resolve) => log.end(resolve));
  const logText = tail.toString();
  const fail = (code: ConstructorParameters<typeof CommandFailure>[0], message: string) =>
    new CommandFailure(code, message, script.location, logText);
  if (outcome === "stopped")
    throw fail("UnknownError", `${script.location} was stopped: the deployment was stopped`);
  if (outcome === "timeout") {
    // Ended but its output still open: a background process kept the script's stdout or stderr.
    if (exit !== undefined) {
      throw fail(
        "OutputsLeftOpen",
        `${script.location} ended but a process it started kept its output open past the timeout of ${script.timeoutSeconds} s; redirect background processes' output (> /dev/null 2>&1 &)`,
      );
    }
    throw fail(
      "ScriptTimedOut",
      `${script.location} timed out after ${script.timeoutSeconds} s; its processes were killed`,
    );
  }
  const result = await child.exited;
  if (result.error)
    throw fail("UnknownError", `${script.location} could not be run: ${result.error.message}`);
  if (result.code !== 0) {
    const how = result.code === null ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
    throw fail("ScriptFailed", `Script at specified location: ${script.location} ${how}`);
  }
  return logText;
}

/** The script's host path, checked to exist inside the revision and to be executable. */
async function scriptPath(archiveDir: string, location: string, event: string): Promise<string> {
  const path = join(archiveDir, location);
  const stat = await lstat(path).catch(() => undefined);
  if (stat === undefined) {
    throw new CommandFailure(
      "ScriptMissing",
      `Script does not exist at specified location: ${location} (hooks.${event} of the appspec); ` +
        `add it to the revision at that path, relative to the revision's root, or correct the location`,
      location,
    );
  }
  const real = await realpath(path).catch(() => path);
  const realArchive = await realpath(archiveDir);
  if (!real.startsWith(realArchive + sep)) {
    throw new CommandFailure(
      "ScriptMissing",
      `Script at ${location} is a link to a file outside the revision`,
      location,
    );
  }
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new CommandFailure(
      "ScriptNotExecutable",
      `Script at specified location: ${location} is not executable; make it executable in the revision (chmod +x)`,
      location,
    );
  }
  return path;
}

/** The command line: the script itself, or through setpriv for `runas` when the agent is root. */
async function commandFor(path: string, script: AppSpecHookScript): Promise<string[]> {
  if (script.runas === undefined) return [path];
  const user = await lookupUser(script.runas);
  if (user === undefined) {
    throw new CommandFailure(
      "UnknownError",
      `runas ${script.runas} of ${script.location} is not a user on this instance`,
      script.location,
    );
  }
  if (user.uid === process.getuid?.()) return [path];
  if (!isRoot()) {
    throw new CommandFailure(
      "UnknownError",
      `${script.location} must run as ${script.runas}, but the agent is not root and cannot switch users; run the agent as root or remove runas`,
      script.location,
    );
  }
  return ["setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, "--init-groups", "--", path];
}

async function pump(
  stream: Readable,
  name: string,
  log: WriteStream,
  tail: Tail,
  event: string,
): Promise<void> {
  stream.setEncoding("utf8");
  let partial = "";
  for await (const chunk of stream) {
    const text = partial + (chunk as string);
    const lines = text.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) log.write(`${new Date().toISOString()} ${event} [${name}]${line}\n`);
    tail.add(chunk as string);
  }
  if (partial !== "") log.write(`${new Date().toISOString()} ${event} [${name}]${partial}\n`);
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
