/**
 * The server under hostile requests: signed bodies near valid ones for each protocol (JSON 1.1,
 * Query, S3's XML), and unsigned requests with hostile paths and headers. Every answer is a 2xx or
 * a 4xx in the protocol's own shape — never a 5xx — and the server answers normally afterwards.
 */
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { jsonCall, signedFetch } from "../support/signed-fetch.js";
import { budget, hostileText } from "./fuzz-support.js";

/** JSON 1.1 operations with a valid body each, by signing name. */
const JSON_CALLS: Array<{ service: string; target: string; body: object }> = [
  {
    service: "codebuild",
    target: "CodeBuild_20161006.CreateProject",
    body: {
      name: "fuzz",
      source: { type: "NO_SOURCE", buildspec: "version: 0.2\nphases:\n  build:\n    commands: [echo]" },
      artifacts: { type: "NO_ARTIFACTS" },
      environment: {
        type: "LINUX_CONTAINER",
        image: "aws/codebuild/standard:7.0",
        computeType: "BUILD_GENERAL1_SMALL",
      },
      serviceRole: "arn:aws:iam::123456789012:role/r",
      cache: { type: "LOCAL", modes: ["LOCAL_CUSTOM_CACHE"] },
    },
  },
  { service: "codebuild", target: "CodeBuild_20161006.BatchGetBuilds", body: { ids: ["fuzz:0000"] } },
  {
    service: "codecommit",
    target: "CodeCommit_20150413.CreateRepository",
    body: { repositoryName: "fuzz-repo", tags: { a: "b" } },
  },
  {
    service: "codecommit",
    target: "CodeCommit_20150413.GetFile",
    body: { repositoryName: "fuzz-repo", filePath: "a/../b.txt", commitSpecifier: "main" },
  },
  {
    service: "codepipeline",
    target: "CodePipeline_20150709.CreatePipeline",
    body: {
      pipeline: {
        name: "fuzz",
        roleArn: "arn:aws:iam::123456789012:role/r",
        artifactStore: { type: "S3", location: "fuzz-bucket" },
        stages: [
          {
            name: "Source",
            actions: [
              {
                name: "Src",
                actionTypeId: { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
                configuration: { RepositoryName: "fuzz-repo", BranchName: "main" },
                outputArtifacts: [{ name: "Out" }],
                namespace: "SourceVariables",
              },
            ],
          },
          {
            name: "Build",
            actions: [
              {
                name: "Make",
                actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
                configuration: { ProjectName: "fuzz-#{SourceVariables.BranchName}" },
                inputArtifacts: [{ name: "Out" }],
              },
            ],
          },
        ],
      },
      tags: [{ key: "k", value: "v" }],
    },
  },
  { service: "ssm", target: "AmazonSSM.PutParameter", body: { Name: "/fuzz/a", Value: "v", Type: "String" } },
  {
    service: "secretsmanager",
    target: "secretsmanager.CreateSecret",
    body: { Name: "fuzz/s", SecretString: "{}" },
  },
  {
    service: "logs",
    target: "Logs_20140328.GetLogEvents",
    body: { logGroupName: "/aws/codebuild/fuzz", logStreamName: "x", limit: 10 },
  },
  {
    service: "codedeploy",
    target: "CodeDeploy_20141006.CreateDeploymentGroup",
    body: {
      applicationName: "fuzz-app",
      deploymentGroupName: "fuzz-group",
      serviceRoleArn: "arn:aws:iam::123456789012:role/r",
      onPremisesTagSet: { onPremisesTagSetList: [[{ Key: "env", Value: "prod", Type: "KEY_AND_VALUE" }]] },
      autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
    },
  },
  {
    service: "codedeploy",
    target: "CodeDeploy_20141006.RegisterApplicationRevision",
    body: {
      applicationName: "fuzz-app",
      revision: {
        revisionType: "S3",
        s3Location: { bucket: "fuzz-bucket", key: "a/../b.zip", bundleType: "zip" },
      },
    },
  },
];

const QUERY_CALLS = [
  { service: "iam", body: "Action=CreateUser&Version=2010-05-08&UserName=fuzz&Path=%2F" },
  { service: "iam", body: "Action=ListAccessKeys&Version=2010-05-08&UserName=fuzz&MaxItems=5" },
  { service: "sts", body: "Action=GetCallerIdentity&Version=2011-06-15" },
];

const S3_BODIES = [
  `<Delete><Object><Key>a</Key></Object><Object><Key>b/../c</Key></Object><Quiet>true</Quiet></Delete>`,
  `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>`,
  `<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>`,
];

const S3_TARGETS = [
  { method: "POST", path: "/fuzz-bucket?delete" },
  { method: "POST", path: "/fuzz-bucket/key?uploadId=nope" },
  { method: "PUT", path: "/fuzz-bucket-2" },
];

/** Every request is answered, and soon: one left hanging holds a connection forever. */
const answerWithin = () => AbortSignal.timeout(10_000);

describe("the server under hostile requests", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    const s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: "fuzz-bucket" }));
    s3.destroy();
  });
  afterAll(async () => {
    await server.stop();
  });

  /** A 5xx, or a 4xx that is not in the protocol's shape, fails the property with its body. */
  async function expectClientError(response: Response, shape: "json" | "xml" | "any"): Promise<void> {
    const text = await response.text();
    expect(response.status, text).toBeLessThan(500);
    if (response.status < 400 || shape === "any") return;
    if (shape === "json") expect(JSON.parse(text), text).toHaveProperty("__type");
    else expect(text, text).toMatch(/<Code>[A-Za-z.]+<\/Code>/);
  }

  it("JSON 1.1: mutated bodies of every service get 4xx answers in JSON", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...JSON_CALLS)
          .chain((call) => hostileText([JSON.stringify(call.body)]).map((body) => ({ ...call, body }))),
        async ({ service, target, body }) => {
          await expectClientError(
            await jsonCall(server, target, body, { service, signal: answerWithin() }),
            "json",
          );
        },
      ),
      budget(),
    );
  });

  it("Query: mutated form bodies get 4xx answers in XML", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...QUERY_CALLS)
          .chain((call) => hostileText([call.body]).map((body) => ({ ...call, body }))),
        async ({ service, body }) => {
          const response = await signedFetch(server, {
            service,
            body,
            headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
            signal: answerWithin(),
          });
          await expectClientError(response, "xml");
        },
      ),
      budget(),
    );
  });

  it("S3: mutated XML bodies and paths get 4xx answers in XML", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...S3_TARGETS),
        hostileText(S3_BODIES),
        hostileText([
          "/fuzz-bucket/a%20b?list-type=2&prefix=x",
          "/fuzz-bucket?versioning",
          "/b/%2e%2e/k?tagging",
        ]),
        async (target, body, path) => {
          const put = await signedFetch(server, {
            ...target,
            service: "s3",
            body,
            headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
            signal: answerWithin(),
          });
          await expectClientError(put, "xml");
          // A path node's URL parser refuses is answered before routing: skip what fetch itself refuses.
          const rooted = path.startsWith("/") ? path : `/${path}`;
          const get = await signedFetch(server, {
            method: "GET",
            path: rooted,
            service: "s3",
            headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
            signal: answerWithin(),
          }).catch((err: Error) => {
            if (err.name === "TimeoutError") throw err;
            return undefined;
          });
          // Pipewright's own paths (/_/…, git's /v1/repos/…) answer in text, not S3's XML. Judged on
          // the path as sent: the URL parser drops tabs and line breaks, so "\r_/" arrives as "/_/".
          const sent = URL.canParse(`${server.url}${rooted}`)
            ? new URL(`${server.url}${rooted}`).pathname
            : "";
          const own = /^\/(_|v1\/repos)\//.test(sent);
          if (get) await expectClientError(get, own ? "any" : "xml");
        },
      ),
      budget(),
    );
  });

  it("unsigned or wrongly signed: hostile headers and paths get 4xx answers", async () => {
    // With a key the server knows and today's scope, so mutations reach the signature comparison.
    const keyId = (server.clientConfig.credentials as { accessKeyId: string }).accessKeyId;
    const date = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    const auth =
      `AWS4-HMAC-SHA256 Credential=${keyId}/${date}/${server.config.region}/codebuild/aws4_request, ` +
      `SignedHeaders=host;x-amz-date, Signature=${"a".repeat(64)}`;
    const amzDate = `${date}T${new Date().toISOString().slice(11, 19).replaceAll(":", "")}Z`;
    await fc.assert(
      fc.asyncProperty(
        hostileText([auth, "AWS AKIAEXAMPLE:abc=", "Basic Zm9vOmJhcg=="]),
        hostileText(["/", "/bucket/key", "/v1/repos/x/info/refs?service=git-upload-pack", "/badges/x"]),
        fc.constantFrom("GET", "POST", "PUT", "DELETE", "HEAD"),
        async (authorization, path, method) => {
          let response: Response;
          try {
            response = await fetch(`${server.url}${path.startsWith("/") ? path : `/${path}`}`, {
              method,
              headers: {
                authorization,
                "x-amz-date": amzDate,
                "x-amz-target": "CodeBuild_20161006.ListProjects",
                "content-type": "application/x-amz-json-1.1",
              },
              ...(method === "POST" || method === "PUT" ? { body: "{}" } : {}),
              signal: answerWithin(),
            });
          } catch (err) {
            if ((err as Error).name === "TimeoutError") throw err;
            return; // fetch refuses to send it (a header value with a newline): nothing reached the server
          }
          expect(response.status, await response.text()).toBeLessThan(500);
        },
      ),
      budget(),
    );
  });

  it("still answers a valid request normally afterwards", async () => {
    const response = await jsonCall(server, "CodeBuild_20161006.ListProjects", "{}", {
      service: "codebuild",
    });
    expect(response.status).toBe(200);
  });
});
