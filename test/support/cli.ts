import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The command that runs `pipewright`: the built `dist/cli/main.js` when the test command built it
 * (`PIPEWRIGHT_TEST_BIN=dist`), else the TypeScript source through tsx, so a plain `vitest` works too.
 */
export function pipewrightCommand(): [string, string[]] {
  if (process.env.PIPEWRIGHT_TEST_BIN === "dist")
    return [process.execPath, [path.join(ROOT, "dist/cli/main.js")]];
  return [process.execPath, ["--import", "tsx", path.join(ROOT, "src/cli/main.ts")]];
}

/** A `pipewright` child process with its output collected. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
}

/** Spawns `pipewright <args>` with `env` added to the environment, under `options.launcher` if given. */
export function spawnPipewright(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { launcher?: string[] } = {},
): CliProcess {
  const [cmd, pre] = pipewrightCommand();
  // A launcher runs it inside something (`nsenter --net=… --`: a network namespace of its own).
  const [program, ...programArgs] = [...(options.launcher ?? []), cmd, ...pre, ...args] as [
    string,
    ...string[],
  ];
  const child = spawn(program, programArgs, {
    cwd: ROOT,
    // A free SSH port: test servers must not compete for the default 2222 (nor meet a real one).
    env: { ...process.env, PIPEWRIGHT_LOG_LEVEL: "warn", PIPEWRIGHT_SSH_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  return {
    child,
    exited,
    output: () => out,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in output:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => setTimeout(check, 10));
        check();
      });
    },
  };
}

/** What an AWS SDK client needs to reach a server. */
export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** `pipewright server` as a child process on a free port; resolves once it prints its URL. */
export async function startServerProcess(
  dataDir: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<{ cli: CliProcess; config: ClientConfig }> {
  const cli = spawnPipewright(
    ["server", "--port", "0", "--data-dir", dataDir, ...(options.args ?? [])],
    options.env,
  );
  const [, url] = await cli.waitFor(/running at (http:\/\/\S+)/);
  const file = readFileSync(`${dataDir}/credentials`, "utf8");
  const value = (key: string) => new RegExp(`${key} = (\\S+)`).exec(file)![1]!;
  return {
    cli,
    config: {
      endpoint: url!,
      region: value("region"),
      credentials: {
        accessKeyId: value("aws_access_key_id"),
        secretAccessKey: value("aws_secret_access_key"),
      },
    },
  };
}
