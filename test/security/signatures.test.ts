/**
 * A signature is good for the region and service it names, and only there: a request signed for
 * eu-west-1, or for another service, gets AWS's error for it in each protocol — JSON, Query, S3
 * (header and presigned), the live log routes, and git's SigV4 password.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { CodeBuildClient, ListProjectsCommand } from "@aws-sdk/client-codebuild";
import { CodeCommitClient, CreateRepositoryCommand } from "@aws-sdk/client-codecommit";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basic, credentialHelperPassword, rawRequest } from "../e2e/codecommit-git-http-support.js";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";
import { jsonCall, signedFetch } from "../support/signed-fetch.js";

describe("signatures scoped to this server's region and to the service answering", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  const other = () => ({ ...server.clientConfig, region: "eu-west-1" });

  it("JSON: InvalidSignatureException naming the region, or the service", async () => {
    const client = new CodeBuildClient(other());
    await expect(client.send(new ListProjectsCommand({}))).rejects.toMatchObject({
      name: "InvalidSignatureException",
      message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    });
    client.destroy();
    const wrongService = await jsonCall(server, "CodeBuild_20161006.ListProjects", "{}", { service: "ssm" });
    expect(wrongService.status).toBe(400);
    expect(await wrongService.json()).toEqual({
      __type: "InvalidSignatureException",
      message: "Credential should be scoped to correct service: 'codebuild'. ",
    });
    // The right region still works.
    const ok = new CodeBuildClient(server.clientConfig);
    await expect(ok.send(new ListProjectsCommand({}))).resolves.toBeDefined();
    ok.destroy();
  });

  it("Query: SignatureDoesNotMatch naming the region; IAM and STS also take us-east-1, as AWS's global endpoints", async () => {
    const sts = new STSClient(other());
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
      message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    });
    sts.destroy();
    const wrongService = await signedFetch(server, {
      body: "Action=GetCallerIdentity&Version=2011-06-15",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      service: "codebuild",
    });
    expect(wrongService.status).toBe(403);
    expect(await wrongService.text()).toContain(
      "Credential should be scoped to correct service: &apos;sts&apos;.",
    );
  });

  it("S3: AuthorizationHeaderMalformed with the expected region, and the presigned form", async () => {
    const s3 = new S3Client(other());
    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({
      name: "AuthorizationHeaderMalformed",
      message:
        "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
      Region: "us-east-1",
    });
    s3.destroy();
    const url = new URL(server.url);
    const presigned = await new SignatureV4({
      credentials: server.clientConfig.credentials,
      region: "eu-west-1",
      service: "s3",
      sha256: Sha256,
    }).presign(
      new HttpRequest({
        method: "GET",
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path: "/",
        headers: { host: url.host },
      }),
      { expiresIn: 300 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const response = await fetch(`${server.url}/?${query}`);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain("<Code>AuthorizationQueryParametersError</Code>");
    expect(text).toContain("the region &apos;eu-west-1&apos; is wrong; expecting &apos;us-east-1&apos;");
  });

  it("the live log routes: a key for another region is refused", async () => {
    const response = await signedFetch(server, {
      method: "GET",
      path: "/_/codebuild/logs/none:1",
      service: "codebuild",
      region: "eu-west-1",
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("scoped to a valid region, not 'eu-west-1'");
  });

  it("git: a credential-helper password computed for another region does not authenticate", async () => {
    const cc = new CodeCommitClient(server.clientConfig);
    await cc.send(new CreateRepositoryCommand({ repositoryName: "scoped" }));
    cc.destroy();
    const host = new URL(server.url).hostname;
    const path = "/v1/repos/scoped";
    const get = (region: string) =>
      rawRequest(`${server.url}${path}/info/refs?service=git-upload-pack`, {
        headers: {
          authorization: basic(
            server.credentials.accessKeyId,
            credentialHelperPassword(server.credentials.secretAccessKey, region, host, path),
          ),
        },
      });
    expect((await get("eu-west-1")).status).toBe(401);
    expect((await get("us-east-1")).status).toBe(200);
  });

  it.skipIf(!hasAwsCli())("with the AWS CLI: each protocol names the region it expects", async () => {
    const env = { AWS_DEFAULT_REGION: "eu-west-1" };
    const json = await awsCli(server, ["codebuild", "list-projects"], { env });
    expect(json.code).not.toBe(0);
    expect(json.stderr).toContain("InvalidSignatureException");
    expect(json.stderr).toContain("not 'eu-west-1'");
    const query = await awsCli(server, ["sts", "get-caller-identity"], { env });
    expect(query.stderr).toContain("SignatureDoesNotMatch");
    const s3 = await awsCli(server, ["s3api", "list-buckets"], { env });
    expect(s3.stderr).toContain("AuthorizationHeaderMalformed");
  });
});
