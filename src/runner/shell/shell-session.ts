import { randomBytes } from "node:crypto";
import { constants, lchownSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { Sandbox, SandboxExit, SandboxProcess, SandboxUsers } from "../../platform/sandbox/index.js";
import { ShellSessionBusyError, ShellSessionClosedError, ShellSessionDiedError } from "./errors.js";
import { OutputLines } from "./output-lines.js";
import {
  envRequest,
  exitRequest,
  fenceReply,
  initScript,
  isReadableVariableName,
  runRequest,
  type ShellDialect,
} from "./scripts.js";
import type {
  CommandEnd,
  OutputListener,
  OutputStream,
  RunOptions,
  RunResult,
  ShellSession,
  ShellSessionOptions,
  ShellUser,
} from "./types.js";

/** One request in flight: a command, or a read of variables. */
interface Pending {
  seq: number;
  fence: string;
  onOutput: OutputListener | undefined;
  /** Whether each stream has passed this request's fence: later lines are no longer its output. */
  fenced: Record<OutputStream, boolean>;
  status?: number;
  end?: CommandEnd;
  timer?: NodeJS.Timeout;
  settle(result: RunResult): void;
  fail(err: Error): void;
}

const KEPT_DIAGNOSTICS = 10;

/** A running session; made by `startShellSession`. */
export class Session implements ShellSession {
  readonly sandbox: Sandbox;
  private state: "open" | "ending" | "ended" = "open";
  private ending: Promise<void> | undefined;
  private death: ShellSessionDiedError | undefined;
  private pending: Pending | undefined;
  private busy = false;
  private seq = 0;
  private readonly out: OutputLines;
  private readonly err: OutputLines;
  private readonly diagnostics: string[] = [];
  private readonly streamsClosed: Promise<unknown>;
  private readonly fresh: boolean;
  private readonly graceMs: number;
  private readonly dialect: ShellDialect;
  private currentUser: ShellUser | undefined;
  /** The control directory on the host, where the runner writes commands and reads results. */
  private readonly controlDir: string;
  /** The same directory as the shells see it. */
  private readonly controlInside: string;
  private readonly ownDir: boolean;

  constructor(
    private readonly options: ShellSessionOptions,
    private readonly proc: SandboxProcess,
    control: { host: string; inside: string; own: boolean },
    private readonly users: SandboxUsers,
  ) {
    this.controlDir = control.host;
    this.controlInside = control.inside;
    this.ownDir = control.own;
    this.sandbox = options.sandbox;
    this.fresh = options.buildspecVersion === "0.1";
    this.graceMs = options.killGraceMs ?? 1000;
    this.dialect = options.shell ?? "bash";
    this.currentUser = options.user;
    this.out = new OutputLines((line) => this.route(line, "stdout"), options.maxLineLength);
    this.err = new OutputLines((line) => this.route(line, "stderr"), options.maxLineLength);
    this.streamsClosed = Promise.all([this.pipe(proc.stdout, this.out), this.pipe(proc.stderr, this.err)]);
    // EPIPE after the shell died surfaces through `exited`; an unhandled stream error would crash.
    proc.stdin.on("error", () => undefined);
    this.readControl(proc.extraOutputs[0]);
    void proc.exited.then((exit) => this.onExit(exit));
  }

  run(command: string, options: RunOptions = {}): Promise<RunResult> {
    return this.exclusive("run a command", async () => {
      const file = join(this.controlDir, "command.sh");
      try {
        // Recreated each time: a build may have emptied the control directory.
        await mkdir(this.controlDir, { recursive: true });
        // Never through a link a command may have put there: Node writes as the server's user.
        await rm(file, { force: true });
        await writeFile(file, command, { flag: "wx", mode: 0o644 });
      } catch (err) {
        // The shell died meanwhile and its directory went with it: say why the shell died.
        if (this.state !== "open") throw await this.closedError("run a command");
        throw err;
      }
      const inside = join(this.controlInside, "command.sh");
      return this.request((seq, fence) => runRequest(seq, fence, inside, this.fresh, this.dialect), options);
    });
  }

  get user(): ShellUser | undefined {
    return this.currentUser;
  }

  switchUser(user: ShellUser): Promise<void> {
    return this.exclusive("switch user", async () => {
      const current = this.currentUser;
      if (current === undefined)
        throw new Error("this shell session was started without a user to switch from");
      if (current.uid === user.uid && current.gid === user.gid) return;
      this.currentUser = user;
      // The shell saves its state and exits; onShellExit hands the control directory to `user` and
      // tells the host to start the next shell as `user`.
      const result = await this.request(() => exitRequest(this.dialect), {});
      if (result.end !== "shell-exited") throw new ShellSessionClosedError("switch user");
    });
  }

  readVariables(names: string[]): Promise<Record<string, string>> {
    return this.exclusive("read variables", async () => {
      const bad = names.find((name) => !isReadableVariableName(name));
      if (bad !== undefined)
        throw new Error(`cannot read variable ${JSON.stringify(bad)}: not a shell variable name`);
      if (names.length === 0) return {};
      const result = await this.request((seq, fence) => envRequest(seq, fence, names), {});
      if (result.end !== "exited") throw new ShellSessionClosedError("read variables");
      const values: Record<string, string> = {};
      const file = join(this.controlDir, "env.out");
      // O_NOFOLLOW: a link a command put there must not make the server read another file.
      const text = await readFile(file, {
        encoding: "utf8",
        flag: constants.O_RDONLY | constants.O_NOFOLLOW,
      });
      for (const entry of text.split("\0")) {
        const at = entry.indexOf("=");
        if (at > 0) values[entry.slice(0, at)] = entry.slice(at + 1);
      }
      return values;
    });
  }

  /** Why nothing can run any more: the shell's death, once known, or that it was closed. */
  private async closedError(operation: string): Promise<Error> {
    await this.ending;
    return this.death ?? new ShellSessionClosedError(operation);
  }

  /** Runs `work` as the only request in flight; checks happen at call time, before any await. */
  private async exclusive<T>(operation: string, work: () => Promise<T>): Promise<T> {
    if (this.state !== "open") throw await this.closedError(operation);
    if (this.busy) throw new ShellSessionBusyError();
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    if (this.pending) return this.kill();
    this.ending ??= this.shutDown(async () => {
      this.proc.stdin.end();
      // The host exits on end of input; daemons a command left (process sandbox) are killed after.
      await Promise.race([this.proc.exited, sleep(this.graceMs, undefined, { ref: false })]);
      await this.proc.terminate(this.graceMs);
    });
    return this.ending;
  }

  async kill(): Promise<void> {
    this.ending ??= this.shutDown(() => this.proc.terminate(this.graceMs));
    return this.ending;
  }

  private async shutDown(stop: () => Promise<void>, end: CommandEnd = "killed"): Promise<void> {
    this.state = "ending";
    await stop();
    // Lines still in the pipes belong to the command that was running.
    await Promise.race([this.streamsClosed, sleep(200, undefined, { ref: false })]);
    this.state = "ended";
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.settle({ exitCode: end === "timed-out" ? 124 : 137, end });
    }
    if (this.ownDir) await this.removeControlDir();
  }

  private request(line: (seq: number, fence: string) => string, options: RunOptions): Promise<RunResult> {
    if (this.state !== "open") return this.closedError("run a command").then((err) => Promise.reject(err));
    const seq = ++this.seq;
    const fence = newFence();
    return new Promise<RunResult>((settle, fail) => {
      const pending: Pending = {
        seq,
        fence,
        onOutput: options.onOutput,
        fenced: { stdout: false, stderr: false },
        settle,
        fail,
      };
      this.pending = pending;
      this.expectFence(pending, fence);
      if (options.timeoutMs !== undefined) {
        pending.timer = setTimeout(() => {
          this.ending ??= this.shutDown(() => this.proc.terminate(this.graceMs), "timed-out");
        }, options.timeoutMs);
      }
      this.proc.stdin.write(line(seq, fence));
    });
  }

  private expectFence(pending: Pending, fence: string): void {
    this.out.expectFence(fence, () => this.fenced(pending, "stdout"));
    this.err.expectFence(fence, () => this.fenced(pending, "stderr"));
  }

  private fenced(pending: Pending, stream: OutputStream): void {
    pending.fenced[stream] = true;
    this.settleIfComplete(pending);
  }

  private settleIfComplete(pending: Pending): void {
    if (this.pending !== pending || this.state !== "open") return;
    if (pending.status === undefined || !pending.fenced.stdout || !pending.fenced.stderr) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    pending.settle({ exitCode: pending.status, end: pending.end ?? "exited" });
  }

  private onControl(line: string): void {
    const [kind, first, second] = line.split(" ");
    const pending = this.pending;
    if (kind === "done" && pending && Number(first) === pending.seq) {
      pending.status = Number(second);
      pending.end = "exited";
      this.settleIfComplete(pending);
    } else if (kind === "exit" && this.state === "open") {
      this.onShellExit(Number(first), pending);
    }
  }

  /**
   * The command shell ended and the host waits for a fence before starting the next one. A request
   * still waiting for its status was ended by it (or never reached it): it takes the host's fence
   * in place of its own, which that shell can no longer print.
   */
  private onShellExit(status: number, pending: Pending | undefined): void {
    const fence = newFence();
    if (pending && pending.status === undefined) {
      this.out.cancelFence(pending.fence);
      this.err.cancelFence(pending.fence);
      pending.status = status;
      pending.end = "shell-exited";
      pending.fence = fence;
      this.expectFence(pending, fence);
    } else {
      this.out.expectFence(fence, () => undefined);
      this.err.expectFence(fence, () => undefined);
    }
    try {
      // The new shell needs init.sh; a build may have deleted the control directory's contents,
      // or put a link or a directory in its place.
      mkdirSync(this.controlDir, { recursive: true });
      const init = join(this.controlDir, "init.sh");
      rmSync(init, { force: true, recursive: true });
      writeFileSync(init, initScript(this.dialect), { flag: "wx", mode: 0o644 });
      if (this.currentUser) handOver(this.controlDir, this.currentUser, this.users);
    } catch {
      // No shell can start without it: end the session, which settles the request in flight.
      void this.kill();
      return;
    }
    this.proc.stdin.write(fenceReply(fence, this.currentUser));
  }

  /** The shell ended on its own: fail the request in flight, and every later one, with why. */
  private onExit(exit: SandboxExit): void {
    if (this.state !== "open") return;
    this.state = "ending";
    this.ending = (async () => {
      await Promise.race([this.streamsClosed, sleep(200, undefined, { ref: false })]);
      const how =
        exit.error?.message ?? (exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`);
      this.death = new ShellSessionDiedError(how, [...this.diagnostics]);
      this.state = "ended";
      const pending = this.pending;
      this.pending = undefined;
      if (pending) {
        clearTimeout(pending.timer);
        pending.fail(this.death);
      }
      await this.proc.terminate(0);
      if (this.ownDir) await this.removeControlDir();
    })();
  }

  /** Best effort: a run() writing its command at the same moment must not turn a death into ENOTEMPTY. */
  private async removeControlDir(): Promise<void> {
    await rm(this.controlDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }

  private route(line: string, stream: OutputStream): void {
    if (stream === "stderr") {
      this.diagnostics.push(line.slice(0, 500));
      if (this.diagnostics.length > KEPT_DIAGNOSTICS) this.diagnostics.shift();
    }
    const pending = this.pending;
    if (pending && !pending.fenced[stream]) pending.onOutput?.(line, stream);
    else this.options.onIdleOutput?.(line, stream);
  }

  private pipe(stream: Readable, lines: OutputLines): Promise<void> {
    return new Promise((resolve) => {
      stream.on("data", (chunk: Buffer) => lines.write(chunk));
      stream.once("close", () => {
        lines.end();
        resolve();
      });
    });
  }

  private readControl(stream: Readable | undefined): void {
    if (!stream) throw new Error("sandbox did not provide the control pipe");
    const lines = new OutputLines((line) => this.onControl(line), 1024);
    stream.on("data", (chunk: Buffer) => lines.write(chunk));
  }
}

/** The user a session's shells start as when it was given none (with mapped users: root inside). */
export const ROOT_USER: ShellUser = { name: "root", uid: 0, gid: 0 };

/**
 * Gives the control directory and its files to `user`, whose shell reads the state the previous
 * shell saved and writes its own. lchown: entries a command replaced by links are not followed.
 */
export function handOver(controlDir: string, user: ShellUser, users: SandboxUsers): void {
  const uid = users.hostUid(user.uid);
  const gid = users.hostGid(user.gid);
  lchownSync(controlDir, uid, gid);
  for (const name of readdirSync(controlDir)) {
    try {
      lchownSync(join(controlDir, name), uid, gid);
    } catch (err) {
      // A command's daemon may remove its own files meanwhile.
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
}

/** 128 random bits; generated per request, after which no earlier output can contain it. */
function newFence(): string {
  return `pwf${randomBytes(16).toString("hex")}`;
}
