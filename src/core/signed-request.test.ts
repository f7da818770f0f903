import { afterEach, describe, expect, it, vi } from "vitest";
import { signedHeaders } from "./signed-request.js";

const key = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  region: "us-east-1",
};
const NOW = Date.UTC(2026, 11, 6, 3, 4, 5);

/**
 * Requests signed by @smithy/signature-v4 (with @aws-crypto/sha256-js), the signer these requests
 * went through before this one: the headers it returned for each, at NOW. S3's as the SDK's S3
 * client signs (`uriEscapePath: false`: the key encoded once).
 */
const VECTORS: Array<{
  url: string;
  service: string;
  init?: Parameters<typeof signedHeaders>[3];
  headers: Record<string, string>;
}> = [
  {
    url: "http://127.0.0.1:4280/",
    service: "codedeploy-commands",
    init: {
      method: "POST",
      body: '{"HostIdentifier":"arn:aws:sts::000000000000:assumed-role/CodeDeployAgent/web-1"}',
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "CodeDeployCommandService_v20141006.PollHostCommand",
      },
    },
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "CodeDeployCommandService_v20141006.PollHostCommand",
      "x-amz-date": "20261206T030405Z",
      "x-amz-content-sha256": "86e10fe4e0acf30b7d565a9bc5b1612a7d2a1bd67dbf6b92567784e6ef108b86",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/codedeploy-commands/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=663706e453f69e713f8bad4dae7187efbae5bfb7f71680cd0f3c8accec858b11",
    },
  },
  {
    url: "http://localhost:4280/bucket/dir/a%20b%2Bc!.tgz?versionId=v%2F1&b=2&a=",
    service: "s3",
    init: { method: "GET" },
    headers: {
      "x-amz-date": "20261206T030405Z",
      "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=42e5849b9b8ad7669d499dbcb4fc4a00361306b1a3b104fe2bce63597047fe5c",
    },
  },
  {
    url: "http://127.0.0.1:4280/logs/builds/proj%3Aid?follow=1",
    service: "codebuild",
    headers: {
      "x-amz-date": "20261206T030405Z",
      "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/codebuild/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=7db132dcc66e1ecd4e4c8c8480ed6ad5bf3984d1718e6b7f46d67ff623288454",
    },
  },
  {
    url: "https://example.com/",
    service: "sts",
    init: {
      method: "POST",
      body: "Action=GetCallerIdentity&Version=2011-06-15",
      headers: {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        "X-Custom": "  a   b  ",
        "User-Agent": "x",
      },
    },
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      "X-Custom": "  a   b  ",
      "User-Agent": "x",
      "x-amz-date": "20261206T030405Z",
      "x-amz-content-sha256": "ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-custom, Signature=8b11e8a36164c87f44acdf14ae2eea83b2fffc9e926dee56d505aa470cc66a2f",
    },
  },
];

describe("signedHeaders", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(VECTORS)("signs $service $url as the SDK's signer did", async ({ url, service, init, headers }) => {
    vi.useFakeTimers({ now: NOW, toFake: ["Date"] });
    const signed = await signedHeaders(new URL(url), key, service, init);
    expect(signed).toEqual(headers);
    // The same order too: fetch sends them as listed.
    expect(Object.keys(signed)).toEqual(Object.keys(headers));
  });
});
