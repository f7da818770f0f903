import { readFileSync } from "node:fs";
import path from "node:path";
import { CodeCommitClient, CreateRepositoryCommand, GetBranchCommand } from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnPipewright, type CliProcess } from "../support/cli.js";
import {
  cloneUrl,
  createGitCredential,
  generateRepository,
  GitClient,
} from "./codecommit-git-http-support.js";

const FILES = 10_000;
const FILE_BYTES = 20 * 1024; // 10,000 × 20 KiB = 200 MiB of random bytes

/** Resident memory of a process, in bytes, from /proc. */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/**
 * The heavier test of this suite (about 30–60 s): a 200 MiB repository of 10,000 files pushed and
 * cloned through a server in its own process, whose resident memory must stay flat — packs stream
 * through `git http-backend` and are never held in the server.
 */
describe("git over HTTP with a 200 MiB repository", () => {
  let proc: CliProcess;
  let client: GitClient;
  let baseUrl: string;
  let clientConfig: ConstructorParameters<typeof CodeCommitClient>[0] & object;
  beforeAll(async () => {
    client = new GitClient({ accessKeyId: "unused", secretAccessKey: "unused" }, "us-east-1", false);
    const dataDir = client.dir("server");
    proc = spawnPipewright(["server", "--port", "0", "--data-dir", dataDir]);
    baseUrl = (await proc.waitFor(/running at (http:\/\/\S+)/, 60_000))[1]!;
    const text = readFileSync(path.join(dataDir, "credentials"), "utf8");
    clientConfig = {
      endpoint: baseUrl,
      region: /region = (\S+)/.exec(text)![1]!,
      credentials: {
        accessKeyId: /aws_access_key_id = (\S+)/.exec(text)![1]!,
        secretAccessKey: /aws_secret_access_key = (\S+)/.exec(text)![1]!,
      },
    };
  }, 90_000);
  afterAll(async () => {
    if (proc && proc.child.exitCode === null) {
      proc.child.kill("SIGTERM");
      await proc.exited;
    }
    client?.remove();
  });

  it("pushes and clones it with the server's memory flat", async () => {
    const source = path.join(client.home, "source.git");
    await generateRepository(source, FILES, FILE_BYTES);
    const head = await client.ok(["--git-dir", source, "rev-parse", "main"]);

    const cc = new CodeCommitClient(clientConfig);
    await cc.send(new CreateRepositoryCommand({ repositoryName: "large" }));
    const cred = await createGitCredential({ clientConfig });
    const url = cloneUrl(baseUrl, "large", cred);
    // Warm-up: the first request loads the route's code; measure from there.
    await client.ok(["ls-remote", url]);

    const pid = proc.child.pid!;
    const baseline = rssOf(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 25);
    try {
      await client.ok(["--git-dir", source, "push", "-q", url, "main"]);
      const clone = path.join(client.home, "clone");
      await client.ok(["clone", "-q", url, clone]);
      expect(await client.ok(["rev-parse", "HEAD"], clone)).toBe(head);
      expect(readFileSync(path.join(clone, "d7", "f107.bin")).length).toBe(FILE_BYTES);
    } finally {
      clearInterval(sampler);
    }
    const { branch } = await cc.send(new GetBranchCommand({ repositoryName: "large", branchName: "main" }));
    expect(branch?.commitId).toBe(head);
    cc.destroy();
    const growthMiB = (peak - baseline) / 2 ** 20;
    // 200 MiB went through each way; a server that buffered a pack would grow by at least that.
    expect(growthMiB).toBeLessThan(48);
  }, 120_000);
});
