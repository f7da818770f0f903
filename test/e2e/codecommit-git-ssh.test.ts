import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  CodeCommitClient,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  GetRepositoryCommand,
} from "@aws-sdk/client-codecommit";
import { DeleteSSHPublicKeyCommand, UpdateSSHPublicKeyCommand } from "@aws-sdk/client-iam";
import ssh2, { type PublicKeyAuthMethod } from "ssh2";
import { beforeAll, describe, expect, it } from "vitest";
import { createLogger, loadServerConfig } from "../../src/core/index.js";
import { startServer } from "../../src/http/server.js";
import { sh, useSshFixture } from "./codecommit-git-ssh-support.js";

describe("git over SSH with IAM SSH public keys", () => {
  const f = useSshFixture({
    id_ed25519: ["-t", "ed25519"],
    id_rsa: ["-t", "rsa", "-b", "2048"],
    id_other: ["-t", "ed25519"],
  });
  const { git, ssh, cloneUrl, upload } = f;
  beforeAll(async () => {
    await f.cc.send(new CreateRepositoryCommand({ repositoryName: "over-ssh" }));
  });

  it("serves clone URLs on the SSH port with a host key kept in the data directory", async () => {
    const { repositoryMetadata } = await f.cc.send(new GetRepositoryCommand({ repositoryName: "over-ssh" }));
    expect(repositoryMetadata?.cloneUrlSsh).toBe(`ssh://127.0.0.1:${f.port}/v1/repos/over-ssh`);
    const hostKey = path.join(f.server.dataDir, "ssh_host_ed25519_key");
    const listed = await sh("ssh-keygen", ["-l", "-f", `${hostKey}.pub`]);
    expect(listed.stdout).toContain(f.server.ssh!.hostKeyFingerprint);
    const scanned = await sh("ssh-keyscan", ["-t", "ed25519", "-p", String(f.port), "127.0.0.1"]);
    expect(scanned.stdout).toContain(readFileSync(`${hostKey}.pub`, "utf8").split(" ")[1]);
  });

  describe("git", () => {
    let edId: string;
    let rsaId: string;
    beforeAll(async () => {
      edId = await upload("id_ed25519");
      rsaId = await upload("id_rsa");
    });

    it("clones, pushes and fetches back with ed25519 and RSA keys; a push's events are committed when it returns", async () => {
      const a = path.join(f.home, "a");
      const b = path.join(f.home, "b");
      let r = await git(["clone", await cloneUrl("over-ssh", edId), a], "id_ed25519");
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("empty repository");
      writeFileSync(path.join(a, "README.md"), "hello over ssh\n");
      // Incompressible and larger than an SSH channel's window: both directions must wait for it.
      const big = randomBytes(6 * 1024 * 1024);
      writeFileSync(path.join(a, "big.bin"), big);
      await git(["add", "README.md", "big.bin"], "id_ed25519", a);
      await git(["commit", "-q", "-m", "first"], "id_ed25519", a);
      const first = (await git(["rev-parse", "HEAD"], "id_ed25519", a)).stdout.trim();
      r = await git(["push", "origin", "HEAD:main"], "id_ed25519", a);
      expect(r.code, r.stderr).toBe(0);
      // Read straight from the store, without waiting: the push recorded them before it ended.
      const events = await f.server.store.db
        .selectFrom("events")
        .select(["detail_type", "detail"])
        .where("source", "=", "aws.codecommit")
        .execute();
      expect(events.map((e) => [e.detail_type, JSON.parse(e.detail) as unknown])).toContainEqual([
        "CodeCommit Repository State Change",
        expect.objectContaining({
          event: "referenceCreated",
          repositoryName: "over-ssh",
          referenceType: "branch",
          referenceName: "main",
          commitId: first,
          callerUserArn: "arn:aws:iam::000000000000:root",
        }),
      ]);
      const { repositoryMetadata } = await f.cc.send(
        new GetRepositoryCommand({ repositoryName: "over-ssh" }),
      );
      expect(repositoryMetadata?.defaultBranch).toBe("main");

      r = await git(["clone", await cloneUrl("over-ssh", rsaId), b], "id_rsa");
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(path.join(b, "README.md"), "utf8")).toBe("hello over ssh\n");
      expect(readFileSync(path.join(b, "big.bin")).equals(big)).toBe(true);
      writeFileSync(path.join(b, "second.txt"), "from the RSA key\n");
      await git(["add", "second.txt"], "id_rsa", b);
      await git(["commit", "-q", "-m", "second"], "id_rsa", b);
      r = await git(["push", "origin", "main"], "id_rsa", b);
      expect(r.code, r.stderr).toBe(0);
      const second = (await git(["rev-parse", "HEAD"], "id_rsa", b)).stdout.trim();

      // Fetched back over protocol v2 (git asks for it with GIT_PROTOCOL through SSH's env request).
      r = await git(["-c", "protocol.version=2", "fetch", "origin"], "id_ed25519", a, {
        GIT_TRACE_PACKET: "1",
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/fetch< version 2/);
      expect((await git(["rev-parse", "origin/main"], "id_ed25519", a)).stdout.trim()).toBe(second);
      r = await git(["ls-remote", await cloneUrl("over-ssh", edId)], "id_ed25519");
      expect(r.stdout).toContain(`${second}\trefs/heads/main`);
    });

    it("refuses unknown, mismatched, inactive and deleted keys", async () => {
      const denied = async (keyName: string, keyId: string) => {
        const r = await git(["ls-remote", await cloneUrl("over-ssh", keyId)], keyName);
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain("Permission denied (publickey)");
      };
      const works = async (keyName: string, keyId: string) => {
        const r = await git(["ls-remote", await cloneUrl("over-ssh", keyId)], keyName);
        expect(r.code, r.stderr).toBe(0);
      };
      await denied("id_ed25519", "APKAZZZZZZZZZZZZZZZZ");
      await denied("id_other", edId);
      await denied("id_ed25519", rsaId);
      await f.iam.send(
        new UpdateSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyId: edId, Status: "Inactive" }),
      );
      await denied("id_ed25519", edId);
      await f.iam.send(
        new UpdateSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyId: edId, Status: "Active" }),
      );
      await works("id_ed25519", edId);
      await f.iam.send(new DeleteSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyId: rsaId }));
      await denied("id_rsa", rsaId);
      rsaId = await upload("id_rsa");
      await works("id_rsa", rsaId);
    });

    it("tells a user name that is no SSH key id what to log in as", async () => {
      // As a person's ssh runs: not in batch mode, at the default log level.
      const options = [
        "-i",
        f.key("id_ed25519"),
        "-p",
        String(f.port),
        "-F",
        "/dev/null",
        "-o",
        "IdentitiesOnly=yes",
      ];
      options.push("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null");
      for (const user of ["git", "root"]) {
        const r = await sh(
          "ssh",
          [...options, "-o", "LogLevel=INFO", `${user}@127.0.0.1`, "git-upload-pack", "'/v1/repos/over-ssh'"],
          {
            env: { PATH: process.env.PATH, HOME: f.home },
          },
        );
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain(`"${user}" is not an SSH key id. Log in as the SSHPublicKeyId`);
        expect(r.stderr).toContain("Permission denied (publickey");
      }
    });

    it("checks the signature, not only the public key offered", async () => {
      const real = ssh2.utils.parseKey(readFileSync(f.key("id_ed25519")));
      const other = ssh2.utils.parseKey(readFileSync(f.key("id_other")));
      if (real instanceof Error || other instanceof Error) throw new Error("ssh2 cannot read the test keys");
      // Offers the uploaded public key but signs with another private key.
      const forged = Object.create(other) as typeof other;
      forged.getPublicSSH = () => real.getPublicSSH();
      const signIn = (privateKey: typeof real) =>
        new Promise<string>((resolve) => {
          const method: PublicKeyAuthMethod = { type: "publickey", username: edId, key: privateKey };
          const client = new ssh2.Client();
          client
            .on("ready", () => {
              client.end();
              resolve("ready");
            })
            .on("error", (err: Error & { level?: string }) => resolve(err.level ?? err.message))
            .connect({
              host: "127.0.0.1",
              port: f.port,
              username: edId,
              authHandler: [method],
              hostVerifier: () => true,
            });
        });
      expect(await signIn(forged)).toBe("client-authentication");
      expect(await signIn(real)).toBe("ready");
    });

    it("runs git's two commands and nothing else: no other command, shell or forwarding", async () => {
      let r = await ssh("id_ed25519", edId, ["ls", "-la"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("only git-upload-pack '/v1/repos/<name>' and git-receive-pack");
      expect(r.stderr).toContain("got: ls -la");
      r = await ssh("id_ed25519", edId, ["git-upload-pack", "'/v1/repos/missing'"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("repository 'missing' does not exist");
      r = await ssh("id_ed25519", edId, ["git-upload-pack", "/v1/repos/over-ssh"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("single-quoted");
      r = await ssh("id_ed25519", edId, ["-T"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("successfully authenticated over SSH as arn:aws:iam::000000000000:root");
      r = await ssh("id_ed25519", edId, ["-W", new URL(f.server.url).host]);
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(/stdio forwarding failed/);
      r = await ssh("id_ed25519", edId, ["-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9", "true"]);
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(/forwarding failed/i);
    });

    it("keeps serving when a repository is deleted in the middle of a push", async () => {
      await f.cc.send(new CreateRepositoryCommand({ repositoryName: "doomed" }));
      const work = path.join(f.home, "doomed");
      await git(["init", "-q", work], "id_ed25519");
      writeFileSync(path.join(work, "f.txt"), "x\n");
      await git(["add", "f.txt"], "id_ed25519", work);
      await git(["commit", "-q", "-m", "x"], "id_ed25519", work);
      // git runs pre-push with the connection open, after the server's refs and before the pack:
      // the hook says so, then waits while the repository is deleted.
      const hook = path.join(work, ".git", "hooks", "pre-push");
      writeFileSync(
        hook,
        `#!/bin/sh\ntouch "${work}/ready"\nwhile [ ! -e "${work}/go" ]; do sleep 0.05; done\n`,
        { mode: 0o755 },
      );
      const push = git(["push", await cloneUrl("doomed", edId), "HEAD:main"], "id_ed25519", work);
      await expect.poll(() => existsSync(path.join(work, "ready")), { timeout: 10_000 }).toBe(true);
      await f.cc.send(new DeleteRepositoryCommand({ repositoryName: "doomed" }));
      writeFileSync(path.join(work, "go"), "");
      const pushed = await push;
      expect(pushed.code).not.toBe(0);
      // The server is still there, and nothing was recorded for the deleted repository.
      const r = await git(["ls-remote", await cloneUrl("over-ssh", edId)], "id_ed25519");
      expect(r.code, r.stderr).toBe(0);
      const events = await f.server.store.db
        .selectFrom("events")
        .select("detail")
        .where("detail", "like", '%"repositoryName":"doomed"%')
        .execute();
      expect(events).toEqual([]);
    });
  });

  it("names the port and the flag when the SSH port is taken, and runs without SSH when it is off", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pw-ssh-port-"));
    const logger = createLogger({ level: "silent" });
    try {
      await expect(
        startServer(loadServerConfig({ port: 0, sshPort: f.port, dataDir: dir }, {}), { logger }),
      ).rejects.toThrow(
        `cannot listen for git over SSH on 127.0.0.1:${f.port}: port ${f.port} is already in use; ` +
          "choose another port with --ssh-port <port>",
      );
      const off = await startServer(loadServerConfig({ port: 0, sshPort: "off", dataDir: dir }, {}), {
        logger,
      });
      try {
        expect(off.ssh).toBeUndefined();
        const offCc = new CodeCommitClient({
          ...f.server.clientConfig,
          endpoint: off.url,
          credentials: off.credentials,
        });
        const { repositoryMetadata } = await offCc.send(
          new CreateRepositoryCommand({ repositoryName: "no-ssh" }),
        );
        expect(repositoryMetadata?.cloneUrlSsh).toBeUndefined();
        offCc.destroy();
      } finally {
        await off.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}, 60_000);
