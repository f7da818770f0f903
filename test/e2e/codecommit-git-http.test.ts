import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { CodeCommitClient, CreateRepositoryCommand, GetBranchCommand } from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusEvent } from "../../src/platform/bus/index.js";
import { addTestPrincipal } from "../support/principals.js";
import { hasAwsCli, startTestServer, type TestServer } from "../support/server.js";
import {
  basic,
  credentialHelperPassword,
  GitClient,
  rawRequest,
  waitFor,
} from "./codecommit-git-http-support.js";

describe.skipIf(!hasAwsCli())("git over smart HTTP with the AWS CLI credential helper", () => {
  let server: TestServer;
  let cc: CodeCommitClient;
  let client: GitClient;
  const events: BusEvent[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    server.bus.subscribe("test.git-http", async (e) => void events.push(e), {
      filter: (e) => e.source === "aws.codecommit",
    });
    cc = new CodeCommitClient(server.clientConfig);
    client = new GitClient(server.credentials, server.config.region);
  });
  afterAll(async () => {
    cc?.destroy();
    client?.remove();
    await server?.stop();
  });

  const repoUrl = (name: string) => `${server.url}/v1/repos/${name}`;
  /** The password `aws codecommit credential-helper` would make for `name` now, made here the same way. */
  const helperAuth = (name: string) =>
    basic(
      server.credentials.accessKeyId,
      credentialHelperPassword(
        server.credentials.secretAccessKey,
        server.config.region,
        "127.0.0.1",
        `/v1/repos/${name}`,
      ),
    );
  const eventsOf = (name: string) =>
    events.filter((e) => (e.detail as { repositoryName?: string }).repositoryName === name);

  it("clones an empty repository, pushes and clones with `aws codecommit credential-helper`", async () => {
    const { repositoryMetadata } = await cc.send(new CreateRepositoryCommand({ repositoryName: "web" }));
    expect(repositoryMetadata?.cloneUrlHttp).toBe(repoUrl("web"));

    // Each git command runs the AWS CLI twice (get, then store), so this test keeps to three.
    const work = client.dir("web-a");
    const cloned = await client.git(["clone", repoUrl("web"), work]);
    expect(cloned.code, cloned.stderr).toBe(0);
    expect(cloned.stderr).toMatch(/empty repository/);
    const first = await client.commit(work, { "README.md": "# web\n" }, "first");
    await client.ok(["push", "-q", "origin", "main"], work);

    // The event is committed before `git push` returns; delivery to a subscriber follows.
    const created = await waitFor(() => eventsOf("web").find((e) => e.detail.event === "referenceCreated"));
    expect(created.detail).toMatchObject({
      event: "referenceCreated",
      referenceType: "branch",
      referenceName: "main",
      referenceFullName: "refs/heads/main",
      commitId: first,
      callerUserArn: `arn:aws:iam::${server.config.accountId}:root`,
    });
    const branch = await cc.send(new GetBranchCommand({ repositoryName: "web", branchName: "main" }));
    expect(branch.branch?.commitId).toBe(first);

    const copy = client.dir("web-b");
    await client.ok(["clone", "-q", repoUrl("web"), copy]);
    expect(readFileSync(path.join(copy, "README.md"), "utf8")).toBe("# web\n");
  });

  it("asks for credentials (401 with WWW-Authenticate) when there are none or they are wrong", async () => {
    await cc.send(new CreateRepositoryCommand({ repositoryName: "guarded" }));
    const anonymous = await rawRequest(`${repoUrl("guarded")}/info/refs?service=git-upload-pack`, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers["www-authenticate"]).toMatch(/^Basic realm="/);

    const noHelper = new GitClient(server.credentials, server.config.region, false);
    try {
      const r = await noHelper.git(["ls-remote", repoUrl("guarded")]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/could not read Username|Authentication failed/);
    } finally {
      noHelper.remove();
    }

    // A credential-helper password for another repository, or from another access key, is refused.
    const { accessKeyId } = server.credentials;
    const wrongSecret = new GitClient({ accessKeyId, secretAccessKey: "x".repeat(40) }, server.config.region);
    try {
      const r = await wrongSecret.git(["ls-remote", repoUrl("guarded")]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/Authentication failed/);
    } finally {
      wrongSecret.remove();
    }
    const stale = `20200101T000000Z${"0".repeat(64)}`;
    const old = await rawRequest(`${repoUrl("guarded")}/info/refs?service=git-upload-pack`, {
      headers: { authorization: basic(accessKeyId, stale) },
    });
    expect(old.status).toBe(401);
  });

  it("answers 404 for unknown repositories only after authentication, and never leaves the repository root", async () => {
    const authorization = basic(server.credentials.accessKeyId, `20200101T000000Z${"0".repeat(64)}`);
    const unknownAnon = await rawRequest(`${repoUrl("nope")}/info/refs?service=git-upload-pack`, {
      headers: { authorization },
    });
    expect(unknownAnon.status).toBe(401);

    const unknown = await rawRequest(`${repoUrl("does-not-exist")}/info/refs?service=git-upload-pack`, {
      headers: { authorization: helperAuth("does-not-exist") },
    });
    expect(unknown.status).toBe(404);
    const known = await rawRequest(`${repoUrl("web")}/info/refs?service=git-upload-pack`, {
      headers: { authorization: helperAuth("web") },
    });
    expect(known.status).toBe(200);
    expect(known.headers["content-type"]).toBe("application/x-git-upload-pack-advertisement");

    // Names with dot segments or encoded slashes never reach git: the router normalises `..` away
    // (then it is not a git URL at all) and repository names cannot contain `/` or be `.git`.
    for (const bad of ["..%2F..%2Fetc", "%2e%2e", "a%2Fb", ".git", "..", "."]) {
      const res = await rawRequest(`${server.url}/v1/repos/${bad}/info/refs?service=git-upload-pack`, {
        headers: { authorization: helperAuth(bad) },
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body.toString()).not.toMatch(/# service=|refs\/heads/);
    }
    // Paths below a repository other than git's own are not served at all.
    const config = await rawRequest(`${repoUrl("web")}/config`, {});
    expect(config.status).toBe(404);
    expect(existsSync(path.join(server.dataDir, "git"))).toBe(true);
  });

  it("answers 403 to a principal that may not pull or push the repository", async () => {
    const outsider = await addTestPrincipal(server, "outsider", { allowed: false });
    const auth = basic(
      outsider.accessKeyId,
      credentialHelperPassword(outsider.secretAccessKey, server.config.region, "127.0.0.1", "/v1/repos/web"),
    );
    for (const service of ["git-upload-pack", "git-receive-pack"]) {
      const res = await rawRequest(`${repoUrl("web")}/info/refs?service=${service}`, {
        headers: { authorization: auth },
      });
      expect(res.status).toBe(403);
      expect(res.body.toString()).not.toMatch(/refs\/heads/);
    }
  });

  it("refuses methods git does not use", async () => {
    const res = await rawRequest(`${repoUrl("web")}/git-upload-pack`, { method: "GET" });
    expect(res.status).toBe(405);
  });
});
