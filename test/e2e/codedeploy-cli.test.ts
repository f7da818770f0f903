import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, hasAwsCli, startTestServer, type TestServer } from "../support/server.js";
import { tempDir } from "../support/stores.js";

// `aws deploy push` zips a directory, uploads it through the S3 API and registers it with
// RegisterApplicationRevision: the whole flow against this server, with the AWS CLI v2.
//
// `push` makes its S3 client without `--endpoint-url`. CLIs from 2.13 read AWS_ENDPOINT_URL_S3 for
// it; Debian's 2.9 does not, so a sitecustomize gives its botocore the same rule (an S3 client
// made without an endpoint gets AWS_ENDPOINT_URL_S3).
const SITECUSTOMIZE = `
import os
try:
    import awscli  # the CLI v2 vendors its botocore and puts it on the path as botocore
except ImportError:
    pass
from botocore import session
_create = session.Session.create_client
def create_client(self, service_name, *args, **kwargs):
    if service_name == "s3" and not kwargs.get("endpoint_url") and os.environ.get("AWS_ENDPOINT_URL_S3"):
        kwargs["endpoint_url"] = os.environ["AWS_ENDPOINT_URL_S3"]
    return _create(self, service_name, *args, **kwargs)
session.Session.create_client = create_client
`;

describe.runIf(hasAwsCli())("CodeDeploy through the AWS CLI v2", () => {
  let server: TestServer;
  const source = tempDir("codedeploy-push-");
  const python = tempDir("codedeploy-python-");
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startTestServer();
    writeFileSync(path.join(python.dir, "sitecustomize.py"), SITECUSTOMIZE);
    writeFileSync(path.join(python.dir, "config"), "[default]\ns3 =\n  addressing_style = path\n");
    env = {
      AWS_ENDPOINT_URL_S3: server.url,
      PYTHONPATH: python.dir,
      AWS_CONFIG_FILE: path.join(python.dir, "config"),
    };
    mkdirSync(path.join(source.dir, "scripts"));
    writeFileSync(
      path.join(source.dir, "appspec.yml"),
      "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /srv/app\n",
    );
    writeFileSync(path.join(source.dir, "scripts", "start.sh"), "#!/bin/sh\necho start\n");
  });
  afterAll(async () => {
    source.remove();
    python.remove();
    await server?.stop();
  });

  async function ok(args: string[]): Promise<string> {
    const result = await awsCli(server, args, { env });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return result.stdout;
  }

  it("pushes a bundle, then gets and lists it as a revision", async () => {
    await ok(["s3", "mb", "s3://bundles"]);
    await ok(["deploy", "create-application", "--application-name", "web"]);
    const pushed = await ok([
      "deploy",
      "push",
      "--application-name",
      "web",
      "--s3-location",
      "s3://bundles/web/app.zip",
      "--source",
      source.dir,
      "--description",
      "pushed by the CLI",
    ]);
    // The CLI tells the user how to deploy what it registered.
    expect(pushed).toContain("bucket=bundles,key=web/app.zip,bundleType=zip");
    const eTag = /eTag=("?)([0-9a-f]+)\1/.exec(pushed)?.[2];
    expect(eTag).toMatch(/^[0-9a-f]{32}$/);

    const listed = JSON.parse(
      await ok(["deploy", "list-application-revisions", "--application-name", "web"]),
    ) as {
      revisions: Array<{ revisionType: string; s3Location: Record<string, string> }>;
    };
    expect(listed.revisions).toEqual([
      { revisionType: "S3", s3Location: { bucket: "bundles", key: "web/app.zip", bundleType: "zip", eTag } },
    ]);

    const got = JSON.parse(
      await ok([
        "deploy",
        "get-application-revision",
        "--application-name",
        "web",
        "--s3-location",
        `bucket=bundles,key=web/app.zip,bundleType=zip,eTag=${eTag}`,
      ]),
    ) as { applicationName: string; revisionInfo: { description: string; registerTime: number } };
    expect(got.applicationName).toBe("web");
    expect(got.revisionInfo.description).toBe("pushed by the CLI");

    // The bundle the CLI uploaded is the directory, zipped.
    const head = JSON.parse(
      await ok(["s3api", "head-object", "--bucket", "bundles", "--key", "web/app.zip"]),
    ) as {
      ETag: string;
    };
    expect(head.ETag.replaceAll('"', "")).toBe(eTag);
  });

  it("registers a revision by hand and refuses a bucket that does not exist", async () => {
    await ok([
      "deploy",
      "register-application-revision",
      "--application-name",
      "web",
      "--s3-location",
      "bucket=bundles,key=web/app.zip,bundleType=zip",
      "--description",
      "by hand",
    ]);
    const got = JSON.parse(
      await ok([
        "deploy",
        "get-application-revision",
        "--application-name",
        "web",
        "--s3-location",
        "bucket=bundles,key=web/app.zip,bundleType=zip",
      ]),
    ) as { revisionInfo: { description: string } };
    expect(got.revisionInfo.description).toBe("by hand");

    const refused = await awsCli(
      server,
      [
        "deploy",
        "register-application-revision",
        "--application-name",
        "web",
        "--s3-location",
        "bucket=elsewhere,key=app.zip,bundleType=zip",
      ],
      { env },
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("InvalidRevisionException");
    expect(refused.stderr).toContain("elsewhere");
  });
});
