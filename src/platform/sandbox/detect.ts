import { execFile, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { bubblewrapArgs, createBubblewrapSandbox } from "./bubblewrap.js";
import { createProcessSandbox } from "./process-sandbox.js";
import type { Sandbox, SandboxKind } from "./types.js";

/** Options for {@link detectSandbox}. */
export interface DetectSandboxOptions {
  /** The sandbox wanted; default "bubblewrap". "process" skips the probe. */
  preferred?: SandboxKind;
  /** The `bwrap` program; default the first `bwrap` on the server's PATH. */
  bwrapPath?: string;
  /** How long the probe may take before bubblewrap counts as broken; default 3000 ms. */
  probeTimeoutMs?: number;
}

/** The sandbox to use, and why it is not bubblewrap when it is not. */
export interface DetectedSandbox {
  sandbox: Sandbox;
  /** Set when bubblewrap was wanted but cannot run here, e.g. "bwrap: setting up uid map: Permission denied". */
  fallbackReason?: string;
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
 * a sandbox with the same flags builds get, network off), otherwise a plain process with the reason.
 */
export async function detectSandbox(options: DetectSandboxOptions = {}): Promise<DetectedSandbox> {
  if (options.preferred === "process") return { sandbox: createProcessSandbox() };
  const bwrapPath = options.bwrapPath ?? findOnPath("bwrap");
  if (bwrapPath === undefined) {
    return fallback("bwrap (bubblewrap) is not installed or not on PATH");
  }
  let probe = probes.get(bwrapPath);
  if (probe === undefined) {
    probe = probeBubblewrap(bwrapPath, options.probeTimeoutMs ?? 3000);
    probes.set(bwrapPath, probe);
  }
  const result = await probe;
  if (!result.ok) return fallback(`bubblewrap cannot run here: ${result.detail}`);
  return { sandbox: createBubblewrapSandbox({ bwrapPath, version: result.detail }) };
}

function fallback(reason: string): DetectedSandbox {
  return { sandbox: createProcessSandbox({ reason }), fallbackReason: reason };
}

async function probeBubblewrap(bwrapPath: string, timeoutMs: number): Promise<ProbeResult> {
  const args = bubblewrapArgs({
    command: ["true"],
    cwd: "/",
    env: {},
    writablePaths: [],
    network: false,
  });
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
