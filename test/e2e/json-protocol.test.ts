import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { jsonCall, signedFetch } from "../support/signed-fetch.js";

/** The AWS JSON protocol's answers to bad requests, sent raw as no SDK would send them. */
describe("AWS JSON protocol adapter", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { maxRequestBodyBytes: 1024 * 1024 } });
  });
  afterAll(async () => {
    await server.stop();
  });

  async function errorOf(
    res: Response,
  ): Promise<{ status: number; type: string; message: string; requestId: string | null }> {
    const body = (await res.json()) as { __type: string; message: string };
    return {
      status: res.status,
      type: body.__type,
      message: body.message,
      requestId: res.headers.get("x-amzn-requestid"),
    };
  }

  it("answers a valid call with x-amzn-RequestId", async () => {
    const res = await jsonCall(server, "AmazonSSM.DescribeParameters", "{}");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("content-type")).toBe("application/x-amz-json-1.1");
  });

  it("names an unknown operation", async () => {
    const err = await errorOf(await jsonCall(server, "AmazonSSM.LaunchRocket", "{}"));
    expect(err).toMatchObject({ status: 400, type: "UnknownOperationException" });
    expect(err.message).toContain("AmazonSSM.LaunchRocket");
    expect(err.requestId).toBeTruthy();
  });

  it("refuses malformed JSON with SerializationException", async () => {
    const err = await errorOf(await jsonCall(server, "AmazonSSM.GetParameter", '{"Name": '));
    expect(err).toMatchObject({ status: 400, type: "SerializationException" });
    expect(err.message).toMatch(/not valid JSON/);
  });

  it("refuses a JSON array body", async () => {
    const err = await errorOf(await jsonCall(server, "AmazonSSM.GetParameter", "[1,2]"));
    expect(err).toMatchObject({ status: 400, type: "SerializationException" });
  });

  it("refuses a wrong content type and names the right one", async () => {
    const err = await errorOf(
      await jsonCall(server, "AmazonSSM.GetParameter", '{"Name":"a"}', {
        headers: { "content-type": "text/plain" },
      }),
    );
    expect(err).toMatchObject({ status: 400, type: "SerializationException" });
    expect(err.message).toContain("application/x-amz-json-1.1");
  });

  it("refuses an oversized body with 413 and the limit", async () => {
    const big = JSON.stringify({ Name: "a", Value: "x".repeat(2 * 1024 * 1024) });
    const res = await jsonCall(server, "AmazonSSM.PutParameter", big);
    const err = await errorOf(res);
    expect(err.status).toBe(413);
    expect(err.message).toContain(String(1024 * 1024));
  });

  it("names the missing field in a validation error", async () => {
    const err = await errorOf(await jsonCall(server, "AmazonSSM.GetParameter", "{}"));
    expect(err).toMatchObject({ status: 400, type: "ValidationException" });
    expect(err.message).toContain("'Name'");
  });

  it("refuses a request without a signature", async () => {
    const res = await signedFetch(server, {
      unsigned: true,
      body: "{}",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AmazonSSM.DescribeParameters",
      },
    });
    expect(await errorOf(res)).toMatchObject({ status: 403, type: "MissingAuthenticationTokenException" });
  });

  it("refuses an unknown access key, a wrong secret and a skewed clock with AWS's codes", async () => {
    const unknown = await jsonCall(server, "AmazonSSM.DescribeParameters", "{}", {
      credentials: { accessKeyId: "AKIAAAAAAAAAAAAAAAAA", secretAccessKey: "x" },
    });
    expect(await errorOf(unknown)).toMatchObject({ status: 400, type: "UnrecognizedClientException" });

    const wrong = await jsonCall(server, "AmazonSSM.DescribeParameters", "{}", {
      credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: "not-the-secret" },
    });
    expect(await errorOf(wrong)).toMatchObject({ status: 400, type: "InvalidSignatureException" });

    const skewed = await jsonCall(server, "AmazonSSM.DescribeParameters", "{}", {
      signingDate: new Date(Date.now() - 20 * 60_000),
    });
    const skewErr = await errorOf(skewed);
    expect(skewErr).toMatchObject({ status: 400, type: "InvalidSignatureException" });
    expect(skewErr.message).toMatch(/Signature expired/);
  });

  it("refuses a signature scoped to another service", async () => {
    const res = await jsonCall(server, "AmazonSSM.DescribeParameters", "{}", { service: "codebuild" });
    const err = await errorOf(res);
    expect(err).toMatchObject({ status: 400, type: "InvalidSignatureException" });
    expect(err.message).toContain("'ssm'");
  });

  it("keeps serving after all of that", async () => {
    const res = await fetch(`${server.url}/_/health`);
    expect(res.status).toBe(200);
  });
});
