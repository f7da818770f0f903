import { spawn } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateServiceSpecificCredentialCommand, IAMClient, type IAMClientConfig } from "@aws-sdk/client-iam";
import { AWS_CLI } from "../support/server.js";

/** What a finished git (or other) command printed. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` and collects its output; never throws on a failing status. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: Buffer | string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A scratch place for git clients: its own HOME and global config (nothing from the machine's git
 * or AWS configuration), with `aws codecommit credential-helper` set up as CodeCommit's user guide
 * says for HTTPS with the AWS CLI, and the server's key in the environment for the CLI to sign with.
 */
export class GitClient {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(credentials: { accessKeyId: string; secretAccessKey: string }, region: string, helper = true) {
    this.home = mkdtempSync(path.join(tmpdir(), "pw-git-http-"));
    const config = path.join(this.home, ".gitconfig");
    const lines = [
      "[user]",
      "\tname = Tester",
      "\temail = tester@example.com",
      "[init]",
      "\tdefaultBranch = main",
      "[advice]",
      "\tdetachedHead = false",
    ];
    if (helper) {
      lines.push(
        "[credential]",
        `\thelper = !${AWS_CLI} codecommit credential-helper --ignore-host-check $@`,
        "\tUseHttpPath = true",
      );
    }
    writeFileSync(config, lines.join("\n") + "\n");
    this.env = {
      PATH: process.env.PATH,
      HOME: this.home,
      GIT_CONFIG_GLOBAL: config,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_TERMINAL_PROMPT: "0",
      LC_ALL: "C",
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: region,
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_PAGER: "",
    };
  }

  /** A fresh directory inside this client's home. */
  dir(name: string): string {
    const d = path.join(this.home, name);
    mkdirSync(d, { recursive: true });
    return d;
  }

  git(args: readonly string[], cwd?: string): Promise<Run> {
    return run("git", args, { cwd: cwd ?? this.home, env: this.env });
  }

  /** Runs git and fails the test with git's stderr when it exits non-zero. */
  async ok(args: readonly string[], cwd?: string): Promise<string> {
    const r = await this.git(args, cwd);
    if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed (${r.code}):\n${r.stderr}`);
    return r.stdout.trim();
  }

  /** Writes `files` in `work`, commits them and returns the new commit id. */
  async commit(work: string, files: Record<string, string | Buffer>, message = "change"): Promise<string> {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
      writeFileSync(path.join(work, name), content);
    }
    await this.ok(["add", "-A"], work);
    await this.ok(["commit", "-q", "-m", message], work);
    return this.ok(["rev-parse", "HEAD"], work);
  }

  remove(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** One pkt-line of git's wire protocol. */
export function pktLine(text: string): Buffer {
  const body = Buffer.from(text);
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, "0")), body]);
}

/** A raw HTTP request to the server, for what git clients never send (cut-off bodies, stale pushes). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** `Authorization: Basic …` for a user name and password. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The password `aws codecommit credential-helper` prints, computed as awscli/customizations/
 * codecommit.py does (for raw requests; git tests run the real CLI): SigV4 over `GIT\n<path>\n\n
 * host:<host>\n\nhost\n`, service codecommit, as `<yyyymmddThhmmss>Z<signature>`.
 */
export function credentialHelperPassword(
  secret: string,
  region: string,
  host: string,
  repoPath: string,
  at = new Date(),
): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").slice(0, 15);
  const date = stamp.slice(0, 8);
  const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
  const canonical = `GIT\n${repoPath}\n\nhost:${host}\n\nhost\n`;
  const scope = `${date}/${region}/codecommit/aws4_request`;
  const toSign = [
    "AWS4-HMAC-SHA256",
    stamp,
    scope,
    createHash("sha256").update(canonical).digest("hex"),
  ].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), "codecommit"), "aws4_request");
  return `${stamp}Z${hmac(key, toSign).toString("hex")}`;
}

/** A service-specific credential for git over HTTPS, created through the IAM API. */
export async function createGitCredential(server: {
  clientConfig: IAMClientConfig;
}): Promise<{ user: string; password: string }> {
  const iam = new IAMClient(server.clientConfig);
  try {
    const { ServiceSpecificCredential: c } = await iam.send(
      new CreateServiceSpecificCredentialCommand({
        UserName: "root",
        ServiceName: "codecommit.amazonaws.com",
      }),
    );
    return { user: c!.ServiceUserName!, password: c!.ServicePassword! };
  } finally {
    iam.destroy();
  }
}

/** `baseUrl/v1/repos/<name>` with the credential in it. */
export function cloneUrl(baseUrl: string, name: string, cred: { user: string; password: string }): string {
  const u = new URL(`${baseUrl}/v1/repos/${name}`);
  u.username = encodeURIComponent(cred.user);
  u.password = encodeURIComponent(cred.password);
  return u.toString();
}

/**
 * Fills a new bare repository at `gitDir` through `git fast-import`: `files` files of `fileBytes`
 * random (incompressible) bytes each, in one commit on main. Fast: no work tree, one pack.
 */
export async function generateRepository(gitDir: string, files: number, fileBytes: number): Promise<void> {
  const env = { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
  const init = await run("git", ["init", "-q", "--bare", "-b", "main", gitDir], { env });
  if (init.code !== 0) throw new Error(init.stderr);
  const child = spawn("git", ["fast-import", "--quiet", "--depth=0"], {
    env: { ...env, GIT_DIR: gitDir },
    stdio: ["pipe", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  const write = (data: string | Buffer) =>
    child.stdin.write(data)
      ? Promise.resolve()
      : new Promise<void>((r) => child.stdin.once("drain", () => r()));
  for (let i = 1; i <= files; i++) {
    await write(`blob\nmark :${i}\ndata ${fileBytes}\n`);
    await write(randomBytes(fileBytes));
    await write("\n");
  }
  await write("commit refs/heads/main\ncommitter Gen <gen@example.com> 1700000000 +0000\ndata 4\nbig\n");
  for (let i = 1; i <= files; i++) await write(`M 100644 :${i} d${i % 100}/f${i}.bin\n`);
  child.stdin.end("\n");
  if ((await exited) !== 0) throw new Error(`git fast-import failed: ${stderr}`);
}
