import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  CodeBuildClient,
  CreateProjectCommand,
  StartBuildCommand,
  StopBuildCommand,
} from "@aws-sdk/client-codebuild";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTestPrincipal } from "../support/principals.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { tempDir } from "../support/stores.js";
import { PROJECT_BASICS } from "./codebuild-support.js";

const CONSOLE = { "x-pipewright-console": "1", "content-type": "application/json" };

/** A request to the console's routes, as the console's page sends it (or as told otherwise). */
async function send(
  server: TestServer,
  method: string,
  route: string,
  options: { body?: unknown; cookie?: string; headers?: Record<string, string>; target?: string } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields it expects
): Promise<{ status: number; json: any; headers: Headers; text: string }> {
  const response = await fetch(`${server.url}${route}`, {
    method,
    redirect: "manual",
    headers: {
      ...CONSOLE,
      ...(options.target
        ? { "x-amz-target": options.target, "content-type": "application/x-amz-json-1.1" }
        : {}),
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, headers: response.headers, text };
}

/** Signs in with the server's root key; returns the cookie to send back. */
async function signIn(server: TestServer): Promise<string> {
  const { status, headers } = await send(server, "POST", "/_/console/session", {
    body: {
      accessKeyId: server.credentials.accessKeyId,
      secretAccessKey: server.credentials.secretAccessKey,
    },
  });
  expect(status).toBe(200);
  return headers.get("set-cookie")!.split(";")[0]!;
}

describe("the console's session and API", () => {
  let server: TestServer;
  let other: TestServer;
  const web = tempDir();
  beforeAll(async () => {
    const site = path.join(web.dir, "site");
    mkdirSync(path.join(site, "assets"), { recursive: true });
    writeFileSync(path.join(site, "index.html"), "<!doctype html><title>console</title>");
    writeFileSync(path.join(site, "assets", "app-1234.js"), "console.log(1)");
    writeFileSync(path.join(web.dir, "outside.txt"), "secret");
    server = await startTestServer({ server: { webDir: site } });
    other = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
    await other?.stop();
    web.remove();
  });

  it("sends a browser that opens / to the console; S3 requests to / are still S3's", async () => {
    const visit = await fetch(`${server.url}/`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(visit.status).toBe(302);
    expect(visit.headers.get("location")).toBe("/_/console/");
    const s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    await expect(s3.send(new ListBucketsCommand({}))).resolves.toMatchObject({ Buckets: [] });
    s3.destroy();
    const anonymous = await fetch(`${server.url}/`);
    expect(anonymous.status).toBe(403);
  });

  it("serves the built console: files, page addresses, nothing outside it", async () => {
    const page = await fetch(`${server.url}/_/console/repositories/app`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>console</title>");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    const asset = await fetch(`${server.url}/_/console/assets/app-1234.js`);
    expect(asset.headers.get("content-type")).toContain("text/javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${server.url}/_/console/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/_/console/favicon.ico`)).status).toBe(404);
    // A page's address may end in a name with a dot: a repository's, or a file's in it.
    for (const address of ["repositories/my.app", "repositories/app/browse/main/src/package.json"]) {
      const deep = await fetch(`${server.url}/_/console/${address}`);
      expect(deep.status, address).toBe(200);
      expect(await deep.text(), address).toContain("<title>console</title>");
    }
    for (const hostile of [
      "..%2foutside.txt",
      "%2e%2e/outside.txt",
      "assets/..%2f..%2foutside.txt",
      "..%5coutside.txt",
    ]) {
      const response = await fetch(`${server.url}/_/console/${hostile}`);
      expect(response.status, hostile).toBeGreaterThanOrEqual(400);
      expect(await response.text(), hostile).not.toContain("secret");
    }
  });

  it("signs in with an access key into an HttpOnly, SameSite=Strict cookie, and never echoes the secret", async () => {
    const wrong = await send(server, "POST", "/_/console/session", {
      body: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: "wrong" },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe("InvalidCredentials");
    const right = await send(server, "POST", "/_/console/session", {
      body: {
        accessKeyId: server.credentials.accessKeyId,
        secretAccessKey: server.credentials.secretAccessKey,
      },
    });
    expect(right.status).toBe(200);
    expect(right.json).toEqual({
      principal: { arn: `arn:aws:iam::${server.config.accountId}:root`, accountId: server.config.accountId },
      region: server.config.region,
    });
    expect(right.text).not.toContain(server.credentials.secretAccessKey);
    const cookie = right.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/_\/console/);
    const session = await send(server, "GET", "/_/console/session", { cookie: cookie.split(";")[0] });
    expect(session.json.principal.arn).toBe(right.json.principal.arn);
  });

  it("runs AWS operations as the session's principal through the same operation tables", async () => {
    const cookie = await signIn(server);
    const created = await send(server, "POST", "/_/console/api", {
      cookie,
      target: "CodeCommit_20150413.CreateRepository",
      body: { repositoryName: "from-console", repositoryDescription: "made in the browser" },
    });
    expect(created.status).toBe(200);
    expect(created.json.repositoryMetadata.repositoryName).toBe("from-console");
    const bad = await send(server, "POST", "/_/console/api", {
      cookie,
      target: "CodeCommit_20150413.CreateRepository",
      body: { repositoryName: "no spaces allowed" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.__type).toBe("InvalidRepositoryNameException");
    // A user without permissions is refused as the CLI would be.
    const user = await addTestPrincipal(server, "viewer", { allowed: false });
    const signed = await send(server, "POST", "/_/console/session", {
      body: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
    });
    const denied = await send(server, "POST", "/_/console/api", {
      cookie: signed.headers.get("set-cookie")!.split(";")[0],
      target: "CodeCommit_20150413.ListRepositories",
      body: {},
    });
    expect(denied.status).toBe(400);
    expect(denied.json.__type).toBe("AccessDeniedException");
    expect(denied.json.message).toContain("user/viewer");
  });

  it("runs S3 REST requests as the session's principal under /_/console/s3, with S3's errors and IAM", async () => {
    const cookie = await signIn(server);
    const created = await send(server, "PUT", "/_/console/s3/console-made", { cookie });
    expect(created.status).toBe(200);
    const s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    s3.destroy();
    expect(Buckets?.map((b) => b.Name)).toContain("console-made");
    const again = await send(server, "PUT", "/_/console/s3/console-made", { cookie });
    expect(again.status).toBe(409);
    expect(again.text).toContain("<Code>BucketAlreadyOwnedByYou</Code>");
    expect((await send(server, "PUT", "/_/console/s3/other", { cookie: "" })).status).toBe(401);
    const foreign = await send(server, "PUT", "/_/console/s3/other", {
      cookie,
      headers: { "x-pipewright-console": "" },
    });
    expect(foreign.status).toBe(403);
    const user = await addTestPrincipal(server, "no-s3", { allowed: false });
    const signed = await send(server, "POST", "/_/console/session", {
      body: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
    });
    const denied = await send(server, "PUT", "/_/console/s3/denied", {
      cookie: signed.headers.get("set-cookie")!.split(";")[0],
    });
    expect(denied.status).toBe(403);
    expect(denied.text).toContain("<Code>AccessDenied</Code>");
  });

  it("refuses state changes that do not come from the console's own page", async () => {
    const cookie = await signIn(server);
    const call = { cookie, target: "CodeCommit_20150413.ListRepositories", body: {} };
    const cases: Array<[string, Record<string, string>]> = [
      ["no console header", { "x-pipewright-console": "" }],
      ["another origin", { origin: "http://evil.example" }],
      ["a cross-site fetch", { "sec-fetch-site": "cross-site" }],
    ];
    for (const [what, headers] of cases) {
      const response = await send(server, "POST", "/_/console/api", { ...call, headers });
      expect(response.status, what).toBe(403);
      expect(response.json.error.code, what).toBe("CrossSiteRequest");
    }
    const same = await send(server, "POST", "/_/console/api", {
      ...call,
      headers: { origin: server.url, "sec-fetch-site": "same-origin" },
    });
    expect(same.status).toBe(200);
    const signInFromElsewhere = await send(server, "POST", "/_/console/session", {
      headers: { origin: "http://evil.example" },
      body: {
        accessKeyId: server.credentials.accessKeyId,
        secretAccessKey: server.credentials.secretAccessKey,
      },
    });
    expect(signInFromElsewhere.status).toBe(403);
    const unsigned = await send(server, "POST", "/_/console/api", { ...call, cookie: "" });
    expect(unsigned.status).toBe(401);
    expect(unsigned.json.error.code).toBe("NotSignedIn");
  });

  it("answers hostile sign-in bodies with 400, naming what to send", async () => {
    for (const body of ["null", "[]", '"x"', "{", "1", "x".repeat(17 * 1024)]) {
      const response = await fetch(`${server.url}/_/console/session`, {
        method: "POST",
        headers: CONSOLE,
        body,
      });
      expect(response.status, body.slice(0, 10)).toBe(400);
      expect(await response.text()).toContain("accessKeyId");
    }
  });

  it("signs in once with a sign-in link; a second use is refused", async () => {
    const link = server.console.signInLink();
    expect(link).toMatch(new RegExp(`^${server.url}/_/console/signin#token=[\\w-]{43}$`));
    const token = link.split("#token=")[1];
    const first = await send(server, "POST", "/_/console/session", { body: { signInToken: token } });
    expect(first.status).toBe(200);
    const again = await send(server, "POST", "/_/console/session", { body: { signInToken: token } });
    expect(again.status).toBe(401);
    expect(again.json.error.message).toContain("used already or has expired");
  });

  it("ends the session at sign-out, and another server refuses this one's cookie", async () => {
    const cookie = await signIn(server);
    const call = { cookie, target: "CodeCommit_20150413.ListRepositories", body: {} };
    expect((await send(server, "POST", "/_/console/api", call)).status).toBe(200);
    expect((await send(other, "POST", "/_/console/api", call)).status).toBe(401);
    expect((await send(server, "DELETE", "/_/console/session", { cookie })).status).toBe(204);
    expect((await send(server, "POST", "/_/console/api", call)).status).toBe(401);
    expect((await send(server, "GET", "/_/console/session", { cookie })).status).toBe(401);
  });

  it("streams a build's log live to the console's page, for the session's principal only", async () => {
    const codebuild = new CodeBuildClient(server.clientConfig);
    await codebuild.send(
      new CreateProjectCommand({
        name: "console-live",
        source: {
          type: "NO_SOURCE",
          buildspec:
            "version: 0.2\nphases:\n  build:\n    commands:\n      - echo '<b>hello</b> from the build'\n",
        },
        artifacts: { type: "NO_ARTIFACTS" },
        ...PROJECT_BASICS,
      }),
    );
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: "console-live" }));
    codebuild.destroy();
    const route = `${server.url}/_/console/codebuild/builds/${encodeURIComponent(build!.id!)}/logs/stream`;
    const cookie = await signIn(server);
    const response = await fetch(route, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    expect(text).toContain(JSON.stringify("<b>hello</b> from the build").slice(1, -1));
    expect(text).toMatch(/event: end\ndata: \{"buildStatus":"SUCCEEDED","buildComplete":true\}/);
    expect((await fetch(route)).status).toBe(403);
    const user = await addTestPrincipal(server, "no-builds", { allowed: false });
    const signed = await send(server, "POST", "/_/console/session", {
      body: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
    });
    const denied = await fetch(route, {
      headers: { cookie: signed.headers.get("set-cookie")!.split(";")[0]! },
    });
    expect(denied.status).toBe(403);
  }, 60_000);

  /**
   * Starts a build that writes "started" and then sleeps, and follows its log on the console's route
   * with `cookie` until "started" arrives. `ended()` reads on until the stream ends, and gives the
   * milliseconds it took and what it sent; `stop()` stops the build.
   */
  async function followSleepingBuild(name: string, cookie: () => Promise<string>) {
    const codebuild = new CodeBuildClient(server.clientConfig);
    const buildspec =
      "version: 0.2\nphases:\n  build:\n    commands:\n      - echo started\n      - sleep 90\n";
    await codebuild.send(
      new CreateProjectCommand({
        name,
        source: { type: "NO_SOURCE", buildspec },
        artifacts: { type: "NO_ARTIFACTS" },
        ...PROJECT_BASICS,
      }),
    );
    const { build } = await codebuild.send(new StartBuildCommand({ projectName: name }));
    const stop = async () => {
      await codebuild.send(new StopBuildCommand({ id: build!.id! }));
      codebuild.destroy();
    };
    const route = `${server.url}/_/console/codebuild/builds/${encodeURIComponent(build!.id!)}/logs/stream`;
    const response = await fetch(route, { headers: { cookie: await cookie() } });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("started")) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the stream ended before the build wrote: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    const ended = async () => {
      const from = Date.now();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { ms: Date.now() - from, text };
        text += decoder.decode(value, { stream: true });
      }
    };
    return { ended, stop };
  }

  it("ends a followed build log as the session signs out, while the build runs on", async () => {
    const cookie = await signIn(server);
    const followed = await followSleepingBuild("console-long", async () => cookie);
    try {
      expect((await send(server, "DELETE", "/_/console/session", { cookie })).status).toBe(204);
      const { ms, text } = await followed.ended();
      expect(ms).toBeLessThan(5_000);
      expect(text).not.toContain("event: end");
    } finally {
      await followed.stop();
    }
  }, 60_000);

  it("ends a followed build log at its next heartbeat once the session's key is deactivated", async () => {
    const user = await addTestPrincipal(server, "deactivated-later");
    const followed = await followSleepingBuild("console-key-off", async () => {
      const signed = await send(server, "POST", "/_/console/session", {
        body: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
      });
      return signed.headers.get("set-cookie")!.split(";")[0]!;
    });
    try {
      await server.store.db
        .updateTable("iam_access_keys")
        .set({ status: "Inactive" })
        .where("access_key_id", "=", user.accessKeyId)
        .execute();
      const { ms, text } = await followed.ended();
      // The key lookup caches for 5 s, and the stream checks at its 15 s heartbeat.
      expect(ms).toBeLessThan(22_000);
      expect(text).not.toContain("event: end");
    } finally {
      await followed.stop();
    }
  }, 60_000);
});
