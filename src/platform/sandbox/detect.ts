import { execFile, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { bubblewrapArgs, createBubblewrapSandbox, type LauncherTools } from "./bubblewrap.js";
import { hostRootLayout } from "./host-root.js";
import { NetworkNamespaces, type NetworkTools } from "./network.js";
import { createProcessSandbox } from "./process-sandbox.js";
import type { Sandbox, SandboxKind } from "./types.js";
import { IdRanges } from "./users.js";

/** Options for {@link detectSandbox}. */
export interface DetectSandboxOptions {
  /** The sandbox wanted; default "bubblewrap". "process" skips the probe. */
  preferred?: SandboxKind;
  /** The `bwrap` program; default the first `bwrap` on the server's PATH. */
  bwrapPath?: string;
  /** How long each probe may take before it counts as failed; default 5000 ms. */
  probeTimeoutMs?: number;
  /**
   * Run each build as unprivileged host users of its own (root inside) when the server is root;
   * default true. `pipewright build` turns it off: a developer's build runs as the developer.
   */
  mapUsers?: boolean;
  /**
   * Give "isolated" sandboxes a network namespace with outbound access through pasta, reaching
   * these host loopback ports at 127.0.0.1 (the server's own); needs root. Default none: "isolated"
   * then means no network at all (or the host's, for a server that is not root).
   */
  network?: { forwardPorts: number[] };
  /** Most processes a mapped build may have at once; default 4096. */
  maxProcesses?: number;
}

/** The sandbox to use, and why it is less than bubblewrap with mapped users and a network. */
export interface DetectedSandbox {
  sandbox: Sandbox;
  /** Set when bubblewrap was wanted but cannot run here, e.g. "bwrap: setting up uid map: Permission denied". */
  fallbackReason?: string;
  /** Set when users could not be mapped, or an isolated network could not be made, and why. */
  limitations: string[];
}

interface ProbeResult {
  ok: boolean;
  /** `bwrap --version` when ok; otherwise why bubblewrap cannot run. */
  detail: string;
}

/** One probe per bwrap path per process: the answer does not change while the server runs. */
const probes = new Map<string, Promise<ProbeResult>>();

/**
 * Picks the sandbox for builds: bubblewrap when `bwrap` really works here (probed once by starting
 * a sandbox with the same flags builds get), otherwise a plain process with the reason. On a root
 * server it also maps each build to host users of its own and, when asked, makes isolated networks
 * with pasta — each probed for real, and each said in `limitations` when it cannot be had.
 */
export async function detectSandbox(options: DetectSandboxOptions = {}): Promise<DetectedSandbox> {
  if (options.preferred === "process") return { sandbox: createProcessSandbox(), limitations: [] };
  const bwrapPath = options.bwrapPath ?? findOnPath("bwrap");
  if (bwrapPath === undefined) {
    return fallback("bwrap (bubblewrap) is not installed or not on PATH");
  }
  const timeoutMs = options.probeTimeoutMs ?? 5000;
  let probe = probes.get(bwrapPath);
  if (probe === undefined) {
    probe = probeBubblewrap(bwrapPath, timeoutMs);
    probes.set(bwrapPath, probe);
  }
  const result = await probe;
  if (!result.ok) return fallback(`bubblewrap cannot run here: ${result.detail}`);
  const version = result.detail;
  const root = process.getuid?.() === 0;
  const limitations: string[] = [];
  const tools = launcherTools();

  let idRanges: IdRanges | undefined;
  if (root && options.mapUsers !== false) {
    if (tools === undefined)
      limitations.push("builds run as root: nsenter, choom or prlimit (util-linux) is missing");
    else {
      const candidate = new IdRanges();
      const failure = await probeMapped(bwrapPath, candidate, tools, timeoutMs);
      if (failure === undefined) idRanges = candidate;
      else limitations.push(`builds run as root: users cannot be mapped here (${failure})`);
    }
  }

  let network: NetworkNamespaces | undefined;
  let networkNote: string | undefined;
  if (options.network && !root) {
    networkNote =
      "builds share the host's network: the server does not run as root, so it cannot give them one of their own";
  } else if (options.network) {
    const netTools = networkTools();
    if (netTools === undefined) {
      networkNote = "pasta (the passt package) is not installed, so builds get no network";
    } else {
      const candidate = new NetworkNamespaces({
        tools: netTools,
        forwardPorts: options.network.forwardPorts,
      });
      try {
        // The probe's namespace is released into the pool's first ready one.
        (await withTimeout(candidate.take(), timeoutMs, "the network probe")).release();
        network = candidate;
      } catch (err) {
        await candidate.close();
        networkNote = `no network namespace could be made, so builds get no network: ${(err as Error).message}`;
      }
    }
  }
  if (networkNote) limitations.push(networkNote);

  const sandbox = createBubblewrapSandbox({
    bwrapPath,
    version,
    ...(idRanges && { idRanges }),
    ...(tools && { tools }),
    ...(network && { network }),
    // A server that is not root could only offer no network at all: it keeps the host's.
    isolatedFallback: root ? "none" : "host",
    notes: limitations,
    ...(options.maxProcesses !== undefined && { maxProcesses: options.maxProcesses }),
  });
  return { sandbox, limitations };
}

function fallback(reason: string): DetectedSandbox {
  return { sandbox: createProcessSandbox({ reason }), fallbackReason: reason, limitations: [] };
}

function launcherTools(): LauncherTools | undefined {
  const nsenter = findOnPath("nsenter");
  const prlimit = findOnPath("prlimit");
  const choom = findOnPath("choom");
  return nsenter && prlimit && choom ? { nsenter, prlimit, choom } : undefined;
}

function networkTools(): NetworkTools | undefined {
  const pasta = findOnPath("pasta");
  const unshare = findOnPath("unshare");
  const setpriv = findOnPath("setpriv");
  const nsenter = findOnPath("nsenter");
  return pasta && unshare && setpriv && nsenter ? { pasta, unshare, setpriv, nsenter } : undefined;
}

async function probeBubblewrap(bwrapPath: string, timeoutMs: number): Promise<ProbeResult> {
  const args = bubblewrapArgs(
    { command: ["true"], cwd: "/", env: {}, network: "none" },
    { root: hostRootLayout(), unshareNet: true },
  );
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  const started = await new Promise<ProbeResult>((resolve) => {
    const child = spawn(bwrapPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < 2000) stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ ok: false, detail: `the probe did not finish within ${timeoutMs} ms` });
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: err.message });
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ ok: true, detail: "" });
      else resolve({ ok: false, detail: stderr.trim() || `bwrap exited with ${code ?? signal}` });
    });
  });
  if (!started.ok) return started;
  const version = await new Promise<string>((resolve) => {
    execFile(bwrapPath, ["--version"], { env, timeout: timeoutMs }, (err, stdout) => {
      resolve(err ? "bubblewrap" : stdout.trim() || "bubblewrap");
    });
  });
  return { ok: true, detail: version };
}

/** Starts one mapped sandbox that checks it is root inside; undefined when it works, else why not. */
async function probeMapped(
  bwrapPath: string,
  idRanges: IdRanges,
  tools: LauncherTools,
  timeoutMs: number,
): Promise<string | undefined> {
  const sandbox = createBubblewrapSandbox({ bwrapPath, idRanges, tools });
  try {
    const proc = await sandbox.spawn({
      command: ["/bin/sh", "-c", 'test "$(id -u)" = 0'],
      cwd: "/",
      env: { PATH: "/usr/bin:/bin" },
      network: "none",
    });
    let stderr = "";
    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (chunk: string) => (stderr += chunk));
    proc.stdin.end();
    const exit = await withTimeout(proc.exited, timeoutMs, "the user-mapping probe").catch((err: Error) => {
      proc.killTree();
      return { code: null, signal: null, error: err };
    });
    if (exit.code === 0) return undefined;
    return exit.error?.message ?? (stderr.trim() || `exit ${exit.code ?? exit.signal}`);
  } catch (err) {
    return (err as Error).message;
  } finally {
    await sandbox.close();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Absolute path of `program` on the server's PATH, or undefined. */
export function findOnPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  return undefined;
}
