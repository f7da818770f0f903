/** Bad input is a 4xx that says what is wrong, in the protocol's own shape; never a 500. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { jsonCall, signedFetch } from "../support/signed-fetch.js";

describe("hostile request shapes", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("refuses JSON nested 100,000 levels deep, as an object or an array, with a 400", async () => {
    for (const body of [
      `{"projects":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
      `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`,
    ]) {
      const response = await jsonCall(server, "CodeBuild_20161006.BatchGetProjects", body, {
        service: "codebuild",
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        __type: "SerializationException",
        message: expect.stringContaining("nested more than 64 levels") as string,
      });
    }
    // Brackets inside strings are text, not nesting.
    const inString = await jsonCall(
      server,
      "CodeBuild_20161006.BatchGetProjects",
      JSON.stringify({ names: ["[".repeat(1000) + '\\"{'] }),
      { service: "codebuild" },
    );
    expect(inString.status).toBe(200);
  });

  it("answers malformed percent-encoding in an S3 path in S3's XML", async () => {
    for (const path of ["/bucket/a%zz", "/bu%c/key", "/bucket/%"]) {
      const response = await signedFetch(server, {
        method: "GET",
        path,
        service: "s3",
        headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      });
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toContain("xml");
      const text = await response.text();
      expect(text).toContain("<Code>InvalidURI</Code>");
      expect(text).toContain("is not valid percent-encoding");
    }
  });

  it("tells a SigV2 request that only Signature Version 4 is accepted", async () => {
    const presigned = await fetch(
      `${server.url}/bucket/key?AWSAccessKeyId=AKIAEXAMPLE&Expires=1900000000&Signature=abc%3D`,
    );
    const header = await fetch(`${server.url}/bucket/key`, {
      headers: { authorization: "AWS AKIAEXAMPLE:abc=" },
    });
    for (const response of [presigned, header]) {
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text).toContain("<Code>InvalidRequest</Code>");
      expect(text).toContain("Please use AWS4-HMAC-SHA256");
      expect(text).toContain("Signature Version 2 is not accepted here");
    }
  });

  it("answers a malformed path under Pipewright's own routes with a 400, and stays up", async () => {
    const response = await fetch(`${server.url}/_/codebuild/logs/%zz`);
    expect(response.status).toBe(400);
    expect((await fetch(`${server.url}/_/health`)).status).toBe(200);
  });
});
