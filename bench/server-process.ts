import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

/** The built `pipewright server` in a child process, as users run it. */
export interface ServerProcess {
  url: string;
  pid: number;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Current resident memory of the server process, in bytes (from /proc). */
  rss(): number;
  stop(): Promise<void>;
}

/**
 * Starts the built server on a free port. `PIPEWRIGHT_BENCH_SERVER_NODE_ARGS` (space-separated, default
 * none) adds Node options to the server process only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to
 * profile it while a bench drives it.
 */
export async function startServerProcess(dataDir: string): Promise<ServerProcess> {
  const nodeArgs = (process.env.PIPEWRIGHT_BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...nodeArgs,
      path.join(ROOT, "dist/cli/main.js"),
      "server",
      "--port",
      "0",
      "--ssh-port",
      "0",
      "--data-dir",
      dataDir,
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, PIPEWRIGHT_LOG_LEVEL: "warn" } },
  );
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", () => reject(new Error(`server exited:\n${out}`)));
  });
  const text = readFileSync(path.join(dataDir, "credentials"), "utf8");
  return {
    url,
    pid: child.pid!,
    credentials: {
      accessKeyId: /aws_access_key_id = (\S+)/.exec(text)![1]!,
      secretAccessKey: /aws_secret_access_key = (\S+)/.exec(text)![1]!,
    },
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}
