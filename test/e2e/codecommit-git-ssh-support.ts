import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { CodeCommitClient, GetRepositoryCommand } from "@aws-sdk/client-codecommit";
import { IAMClient, UploadSSHPublicKeyCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";

export const run = promisify(execFile);

/** What a program did. */
export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program and collects its output; never throws on a non-zero exit. */
export async function sh(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Result> {
  try {
    const { stdout, stderr } = await run(cmd, args, { ...options, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** A server with SSH, its IAM and CodeCommit clients, and a scratch HOME holding key pairs. */
export interface SshFixture {
  server: TestServer;
  iam: IAMClient;
  cc: CodeCommitClient;
  home: string;
  /** The server's SSH port. */
  port: number;
  /** Path of the private key `name` in HOME (`<path>.pub` is its public half). */
  key: (name: string) => string;
  /** The public key `name` as ssh-keygen wrote it. */
  pub: (name: string) => string;
  /** Runs git with the private key `keyName` for SSH, in `cwd` (default HOME). */
  git: (args: string[], keyName: string, cwd?: string, extra?: NodeJS.ProcessEnv) => Promise<Result>;
  /** The options OpenSSH gets: this key only, this port, no config, no host key prompts. */
  sshOptions: (keyName: string) => string[];
  /** Runs `ssh <keyId>@127.0.0.1 <args>` with `keyName`'s private key. */
  ssh: (keyName: string, keyId: string, args: string[]) => Promise<Result>;
  /** The repository's `cloneUrlSsh` with `keyId` as the user. */
  cloneUrl: (repo: string, keyId: string) => Promise<string>;
  /** Uploads `keyName`'s public key for the root user; returns its SSHPublicKeyId. */
  upload: (keyName: string) => Promise<string>;
}

/**
 * Starts a server for the file (SSH on a free port) and makes `keys` with ssh-keygen (each a list
 * of ssh-keygen arguments without `-f`, by name) in a scratch HOME; both go away after the file.
 * The store is SQLite unless `dialect` says otherwise.
 */
export function useSshFixture(
  keys: Record<string, string[]>,
  options: { dialect?: "sqlite" | "postgres" } = {},
): SshFixture {
  const f = {} as SshFixture;
  f.key = (name) => path.join(f.home, name);
  f.pub = (name) => readFileSync(`${f.key(name)}.pub`, "utf8");
  f.sshOptions = (keyName) => [
    ...["-i", f.key(keyName), "-p", String(f.port), "-F", "/dev/null", "-o", "StrictHostKeyChecking=no"],
    ...["-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes"],
    ...["-o", "LogLevel=ERROR"],
  ];
  f.git = (args, keyName, cwd = f.home, extra = {}) =>
    sh("git", args, {
      cwd,
      // A scratch HOME, no agent, no user or system config.
      env: {
        PATH: process.env.PATH,
        HOME: f.home,
        GIT_SSH_COMMAND: ["ssh", ...f.sshOptions(keyName)].join(" "),
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_AUTHOR_NAME: "Tester",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "Tester",
        GIT_COMMITTER_EMAIL: "t@example.com",
        ...extra,
      },
    });
  f.ssh = (keyName, keyId, args) =>
    sh("ssh", [...f.sshOptions(keyName), `${keyId}@127.0.0.1`, ...args], {
      env: { PATH: process.env.PATH, HOME: f.home },
    });
  f.cloneUrl = async (repo, keyId) => {
    const { repositoryMetadata } = await f.cc.send(new GetRepositoryCommand({ repositoryName: repo }));
    return repositoryMetadata!.cloneUrlSsh!.replace("ssh://", `ssh://${keyId}@`);
  };
  f.upload = async (keyName) => {
    const out = await f.iam.send(
      new UploadSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyBody: f.pub(keyName) }),
    );
    return out.SSHPublicKey!.SSHPublicKeyId!;
  };

  beforeAll(async () => {
    f.home = mkdtempSync(path.join(tmpdir(), "pw-ssh-home-"));
    const [server] = await Promise.all([
      startTestServer(options),
      ...Object.entries(keys).map(([name, args]) =>
        run("ssh-keygen", ["-q", "-N", "", "-C", "tester", ...args, "-f", f.key(name)]),
      ),
    ]);
    f.server = server;
    f.port = server.ssh!.port;
    f.iam = new IAMClient(server.clientConfig);
    f.cc = new CodeCommitClient(server.clientConfig);
  });
  afterAll(async () => {
    f.iam?.destroy();
    f.cc?.destroy();
    await f.server?.stop();
    if (f.home) rmSync(f.home, { recursive: true, force: true });
  });
  return f;
}
