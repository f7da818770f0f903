/**
 * Guessing git credentials is slowed: after a few failures from one source, each further attempt
 * waits longer (over HTTP and SSH alike), and too many waiting at once are refused; a correct
 * credential still gets in. Waits are asserted as lower bounds only: a loaded machine makes them
 * longer, never shorter.
 */
import { CodeCommitClient, CreateRepositoryCommand } from "@aws-sdk/client-codecommit";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basic, credentialHelperPassword, rawRequest } from "../e2e/codecommit-git-http-support.js";
import { startTestServer, type TestServer } from "../support/server.js";

describe("password guessing on git's transports", () => {
  let server: TestServer;
  const path = "/v1/repos/guarded";
  beforeAll(async () => {
    server = await startTestServer();
    const cc = new CodeCommitClient(server.clientConfig);
    await cc.send(new CreateRepositoryCommand({ repositoryName: "guarded" }));
    cc.destroy();
  });
  afterAll(async () => {
    await server.stop();
  });

  const attempt = async (password: string) => {
    const started = Date.now();
    const response = await rawRequest(`${server.url}${path}/info/refs?service=git-upload-pack`, {
      headers: { authorization: basic(server.credentials.accessKeyId, password) },
    });
    return { status: response.status, ms: Date.now() - started, body: response.body.toString() };
  };
  const right = () =>
    credentialHelperPassword(
      server.credentials.secretAccessKey,
      "us-east-1",
      new URL(server.url).hostname,
      path,
    );

  it("over HTTP: free at first, then each failure waits longer; too many at once are refused; the right password still works", async () => {
    // git's first, credential-less request is a question, not a guess: it costs nothing.
    for (let i = 0; i < 10; i++) {
      expect((await rawRequest(`${server.url}${path}/info/refs?service=git-upload-pack`, {})).status).toBe(
        401,
      );
    }
    for (let i = 0; i < 5; i++) expect((await attempt("wrong")).status).toBe(401);
    const sixth = await attempt("wrong");
    expect(sixth.status).toBe(401);
    expect(sixth.ms).toBeGreaterThanOrEqual(900);
    const seventh = await attempt("wrong");
    expect(seventh.ms).toBeGreaterThanOrEqual(1900);
    // Guesses sent in parallel wait their turn one at a time; past a handful they are refused.
    const burst = await Promise.all(Array.from({ length: 8 }, () => attempt("wrong")));
    const refused = burst.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.body).toMatch(/too many failed authentications from .*; try again in \d+ s/);
    // The owner of the key still gets in, after the wait.
    const owner = await attempt(right());
    expect(owner.status).toBe(200);
  }, 180_000);
});

describe("key guessing over SSH", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("counts unknown keys as failures, and slows the source's next attempts", async () => {
    const { private: privateKey } = ssh2.utils.generateKeyPairSync("ed25519");
    const tryKey = () =>
      new Promise<number>((resolve) => {
        const started = Date.now();
        const client = new ssh2.Client();
        client.on("error", () => resolve(Date.now() - started));
        client.on("ready", () => {
          client.end();
          resolve(-1);
        });
        client.connect({
          host: "127.0.0.1",
          port: server.ssh!.port,
          username: "APKAUNKNOWNKEY000000",
          privateKey,
          readyTimeout: 60_000,
        });
      });
    for (let i = 0; i < 5; i++) expect(await tryKey()).toBeGreaterThanOrEqual(0);
    expect(await tryKey()).toBeGreaterThanOrEqual(900);
    expect(await tryKey()).toBeGreaterThanOrEqual(1900);
  }, 120_000);
});
