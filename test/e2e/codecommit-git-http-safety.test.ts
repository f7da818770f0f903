import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import {
  CodeCommitClient,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  GetBranchCommand,
  ListRepositoriesCommand,
} from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusEvent } from "../../src/platform/bus/index.js";
import { startTestServer, type TestServer } from "../support/server.js";
import {
  basic,
  cloneUrl,
  createGitCredential,
  GitClient,
  pktLine,
  rawRequest,
  waitFor,
} from "./codecommit-git-http-support.js";

describe("git over HTTP stays consistent under races, cut-off pushes and deletions", () => {
  let server: TestServer;
  let cc: CodeCommitClient;
  let client: GitClient;
  let cred: { user: string; password: string };
  const events: BusEvent[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    server.bus.subscribe("test.git-http-safety", async (e) => void events.push(e), {
      filter: (e) => e.source === "aws.codecommit",
    });
    cc = new CodeCommitClient(server.clientConfig);
    client = new GitClient(server.credentials, server.config.region, false);
    cred = await createGitCredential(server);
  });
  afterAll(async () => {
    cc?.destroy();
    client?.remove();
    await server?.stop();
  });

  const url = (name: string) => cloneUrl(server.url, name, cred);
  const eventsOf = (name: string) =>
    events.filter((e) => (e.detail as { repositoryName?: string }).repositoryName === name);
  const gitDirOf = async (name: string) =>
    (await server.codecommit.git.findRepository(server.config, name))!.gitDir;
  const fsck = async (name: string) =>
    execFileSync("git", ["fsck", "--strict"], {
      env: { PATH: process.env.PATH, GIT_DIR: await gitDirOf(name) },
    });

  /** A repository with one commit on main, and a clone of it in `work`. */
  async function seeded(name: string): Promise<{ work: string; base: string }> {
    await cc.send(new CreateRepositoryCommand({ repositoryName: name }));
    const work = client.dir(`${name}-seed`);
    await client.ok(["clone", "-q", url(name), work]);
    const base = await client.commit(work, { "base.txt": "base\n" }, "base");
    await client.ok(["push", "-q", "origin", "main"], work);
    await waitFor(() => eventsOf(name).find((e) => e.detail.event === "referenceCreated"));
    return { work, base };
  }

  /** A pack of the commits in `work` that `base` lacks, as `git push` would send it. */
  function packSince(work: string, base: string, head: string): Buffer {
    return execFileSync("git", ["pack-objects", "--stdout", "--revs", "-q"], {
      cwd: work,
      input: `${head}\n^${base}\n`,
      env: client.env,
      maxBuffer: 256 * 1024 * 1024,
    });
  }

  const receivePack = `application/x-git-receive-pack-request`;
  const command = (old: string, head: string) =>
    Buffer.concat([
      pktLine(`${old} ${head} refs/heads/main\0report-status side-band-64k agent=git/test\n`),
      Buffer.from("0000"),
    ]);

  it("lets exactly one of two concurrent pushes to one branch win", async () => {
    const { base } = await seeded("race");
    const a = client.dir("race-a");
    const b = client.dir("race-b");
    await client.ok(["clone", "-q", url("race"), a]);
    await client.ok(["clone", "-q", url("race"), b]);
    const commitA = await client.commit(a, { "a.txt": randomBytes(300_000).toString("hex") }, "from a");
    const commitB = await client.commit(b, { "b.txt": randomBytes(300_000).toString("hex") }, "from b");

    const [ra, rb] = await Promise.all([
      client.git(["push", "origin", "main"], a),
      client.git(["push", "origin", "main"], b),
    ]);
    expect([ra.code, rb.code].filter((c) => c === 0)).toHaveLength(1);
    const [winner, loser] = ra.code === 0 ? [commitA, rb] : [commitB, ra];
    expect(loser.stderr).toMatch(/rejected|non-fast-forward|fetch first/);

    const { branch } = await cc.send(new GetBranchCommand({ repositoryName: "race", branchName: "main" }));
    expect(branch?.commitId).toBe(winner);
    await fsck("race");
    await waitFor(() => eventsOf("race").find((e) => e.detail.event === "referenceUpdated"));
    await new Promise((r) => setTimeout(r, 200));
    const updates = eventsOf("race").filter((e) => e.detail.event === "referenceUpdated");
    expect(updates.map((e) => e.detail)).toEqual([
      expect.objectContaining({ oldCommitId: base, commitId: winner, referenceName: "main" }),
    ]);
  });

  it("rejects a push whose expected old value is stale, leaving refs and events as they were", async () => {
    const { work, base } = await seeded("stale");
    const moved = await client.commit(work, { "moved.txt": "moved\n" }, "moved");
    await client.ok(["push", "-q", "origin", "main"], work);
    await waitFor(() => eventsOf("stale").find((e) => e.detail.event === "referenceUpdated"));
    // A second push that still believes main is at `base`.
    await client.ok(["reset", "-q", "--hard", base], work);
    const stale = await client.commit(work, { "stale.txt": "stale\n" }, "stale");
    const res = await rawRequest(`${server.url}/v1/repos/stale/git-receive-pack`, {
      method: "POST",
      headers: { authorization: basic(cred.user, cred.password), "content-type": receivePack },
      body: Buffer.concat([command(base, stale), packSince(work, base, stale)]),
    });
    expect(res.status).toBe(200);
    const text = res.body.toString("latin1");
    expect(text).toContain("non-fast-forward");
    expect(text).toMatch(/ng refs\/heads\/main/);
    const { branch } = await cc.send(new GetBranchCommand({ repositoryName: "stale", branchName: "main" }));
    expect(branch?.commitId).toBe(moved);
    expect(eventsOf("stale").map((e) => e.detail.event)).toEqual(["referenceCreated", "referenceUpdated"]);
    await fsck("stale");
  });

  it("leaves the repository as it was when a pack is cut off mid-stream", async () => {
    const { work, base } = await seeded("cut");
    const head = await client.commit(work, { "big.bin": randomBytes(4 * 1024 * 1024) }, "big");
    const pack = packSince(work, base, head);
    const target = new URL(`${server.url}/v1/repos/cut/git-receive-pack`);
    await new Promise<void>((resolve) => {
      const req = http.request(target, {
        method: "POST",
        headers: { authorization: basic(cred.user, cred.password), "content-type": receivePack },
      });
      req.on("error", () => resolve());
      req.on("close", () => resolve());
      req.write(command(base, head));
      req.write(pack.subarray(0, pack.length / 2), () => setTimeout(() => req.destroy(), 200));
    });
    const objects = path.join(await gitDirOf("cut"), "objects");
    // receive-pack quarantines incoming objects and drops them when the push fails.
    await waitFor(() => (readdirSync(objects).some((d) => d.startsWith("incoming-")) ? undefined : true));

    // main did not move: a push from `base` is still a fast-forward, and its event is the only one.
    const next = await client.commit(work, { "next.txt": "next\n" }, "next");
    await client.ok(["push", "-q", "origin", "main"], work);
    await waitFor(() => eventsOf("cut").find((e) => e.detail.event === "referenceUpdated"));
    expect(eventsOf("cut").map((e) => e.detail)).toEqual([
      expect.objectContaining({ event: "referenceCreated", commitId: base }),
      expect.objectContaining({ event: "referenceUpdated", oldCommitId: base, commitId: next }),
    ]);
    await fsck("cut");
  });

  it("keeps serving when a repository is deleted while a clone of it streams", async () => {
    const { work } = await seeded("doomed");
    const head = await client.commit(work, { "big.bin": randomBytes(8 * 1024 * 1024) }, "big");
    await client.ok(["push", "-q", "origin", "main"], work);

    const body = Buffer.concat([
      pktLine(`want ${head} side-band-64k ofs-delta\n`),
      Buffer.from("0000"),
      pktLine("done\n"),
    ]);
    const streamed = await new Promise<{ status: number; bytes: number }>((resolve) => {
      const req = http.request(new URL(`${server.url}/v1/repos/doomed/git-upload-pack`), {
        method: "POST",
        headers: {
          authorization: basic(cred.user, cred.password),
          "content-type": "application/x-git-upload-pack-request",
        },
      });
      req.on("error", () => resolve({ status: -1, bytes: 0 }));
      req.on("response", (res) => {
        let bytes = 0;
        let deleting: Promise<unknown> | undefined;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (deleting) return;
          // The clone is under way: delete the repository under it, then read on.
          res.pause();
          deleting = cc
            .send(new DeleteRepositoryCommand({ repositoryName: "doomed" }))
            .finally(() => res.resume());
        });
        const done = () => void deleting?.finally(() => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on("end", done);
        res.on("error", done);
        res.on("close", done);
      });
      req.end(body);
    });
    expect(streamed.status).toBe(200);
    expect(streamed.bytes).toBeGreaterThan(0);

    // The server is still there, and still serves git and the API.
    const repos = await cc.send(new ListRepositoriesCommand({}));
    expect(repos.repositories?.map((r) => r.repositoryName)).not.toContain("doomed");
    const gone = await client.git(["ls-remote", url("doomed")]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/not found|404/);
    const copy = client.dir("race-after");
    await client.ok(["clone", "-q", url("race"), copy]);
  });
});
