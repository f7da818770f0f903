import {
  CodePipelineClient,
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetActionTypeCommand,
  GetPipelineCommand,
  ListActionTypesCommand,
  ListPipelinesCommand,
  ListTagsForResourceCommand,
  paginateListPipelines,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePipelineCommand,
  type PipelineDeclaration,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, startTestServer, type TestServer } from "../support/server.js";
import { jsonCall } from "../support/signed-fetch.js";

const dialects = ["sqlite", ...(hasPostgres() ? ["postgres" as const] : [])] as const;
const ROLE = "arn:aws:iam::000000000000:role/pipeline-role";

/** A CodeCommit → CodeBuild → S3 deploy pipeline whose artifacts go to `bucket`. */
export function samplePipeline(name: string, bucket = "pipeline-artifacts"): PipelineDeclaration {
  return {
    name,
    roleArn: ROLE,
    artifactStore: { type: "S3", location: bucket },
    stages: [
      {
        name: "Source",
        actions: [
          {
            name: "Checkout",
            actionTypeId: { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
            configuration: { RepositoryName: "app", BranchName: "main", PollForSourceChanges: "false" },
            outputArtifacts: [{ name: "SourceOutput" }],
            namespace: "SourceVariables",
          },
        ],
      },
      {
        name: "Build",
        actions: [
          {
            name: "Compile",
            actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
            configuration: { ProjectName: "app-build" },
            inputArtifacts: [{ name: "SourceOutput" }],
            outputArtifacts: [{ name: "BuildOutput" }],
          },
        ],
      },
      {
        name: "Deploy",
        actions: [
          {
            name: "Publish",
            actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
            configuration: { BucketName: "site", Extract: "true" },
            inputArtifacts: [{ name: "BuildOutput" }],
          },
        ],
      },
    ],
  };
}

/** The error an SDK call failed with: its code and message. */
async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail");
}

describe.each(dialects)("CodePipeline pipeline definitions through the SDK on %s", (dialect) => {
  let server: TestServer;
  let cp: CodePipelineClient;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    cp = new CodePipelineClient(server.clientConfig);
    const s3 = new S3Client(server.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: "pipeline-artifacts" }));
    s3.destroy();
  });
  afterAll(async () => {
    cp?.destroy();
    await server?.stop();
  });

  it("creates, reads, updates (keeping every version) and deletes a pipeline", async () => {
    const created = await cp.send(
      new CreatePipelineCommand({ pipeline: samplePipeline("web"), tags: [{ key: "team", value: "web" }] }),
    );
    expect(created.pipeline).toMatchObject({
      name: "web",
      version: 1,
      pipelineType: "V1",
      executionMode: "SUPERSEDED",
    });
    expect(created.pipeline?.stages?.[1]?.actions?.[0]?.runOrder).toBe(1);
    expect(created.tags).toEqual([{ key: "team", value: "web" }]);

    const got = await cp.send(new GetPipelineCommand({ name: "web" }));
    expect(got.pipeline).toEqual(created.pipeline);
    expect(got.metadata?.pipelineArn).toBe("arn:aws:codepipeline:us-east-1:000000000000:web");
    expect(got.metadata?.created).toBeInstanceOf(Date);

    const next = { ...got.pipeline!, version: 1 };
    next.stages = [...next.stages!];
    next.stages[2] = { ...next.stages[2]!, name: "Ship" };
    const updated = await cp.send(new UpdatePipelineCommand({ pipeline: next }));
    expect(updated.pipeline?.version).toBe(2);
    expect((await cp.send(new GetPipelineCommand({ name: "web" }))).pipeline?.stages?.[2]?.name).toBe("Ship");
    const v1 = await cp.send(new GetPipelineCommand({ name: "web", version: 1 }));
    expect(v1.pipeline?.stages?.[2]?.name).toBe("Deploy");
    expect(v1.pipeline?.version).toBe(1);

    expect(await failure(cp.send(new GetPipelineCommand({ name: "web", version: 3 })))).toMatchObject({
      name: "PipelineVersionNotFoundException",
      message: expect.stringContaining("1 to 2"),
    });

    await cp.send(new DeletePipelineCommand({ name: "web" }));
    expect((await failure(cp.send(new GetPipelineCommand({ name: "web" })))).name).toBe(
      "PipelineNotFoundException",
    );
    // Deleting again is no error, as on AWS.
    await cp.send(new DeletePipelineCommand({ name: "web" }));
    // The name is free again, and starts over at version 1.
    const again = await cp.send(new CreatePipelineCommand({ pipeline: samplePipeline("web") }));
    expect(again.pipeline?.version).toBe(1);
    await cp.send(new DeletePipelineCommand({ name: "web" }));
  });

  it("refuses a taken name, a missing pipeline to update and a missing artifact bucket", async () => {
    await cp.send(new CreatePipelineCommand({ pipeline: samplePipeline("taken") }));
    expect(
      await failure(cp.send(new CreatePipelineCommand({ pipeline: samplePipeline("taken") }))),
    ).toMatchObject({
      name: "PipelineNameInUseException",
      status: 400,
    });
    expect(
      (await failure(cp.send(new UpdatePipelineCommand({ pipeline: samplePipeline("ghost") })))).name,
    ).toBe("PipelineNotFoundException");
    const missing = await failure(
      cp.send(new CreatePipelineCommand({ pipeline: samplePipeline("nob", "no-such-bucket") })),
    );
    expect(missing.name).toBe("InvalidStructureException");
    expect(missing.message).toContain('"no-such-bucket"');
    expect(missing.message).toContain("aws s3 mb s3://no-such-bucket");
    const elsewhere = samplePipeline("far");
    delete elsewhere.artifactStore;
    elsewhere.artifactStores = {
      "us-east-1": { type: "S3", location: "pipeline-artifacts" },
      "eu-west-1": { type: "S3", location: "pipeline-artifacts" },
    };
    elsewhere.stages![2]!.actions![0]!.region = "eu-west-1";
    const wrongRegion = await failure(cp.send(new CreatePipelineCommand({ pipeline: elsewhere })));
    expect(wrongRegion).toMatchObject({ name: "InvalidStructureException" });
    expect(wrongRegion.message).toContain("is in region us-east-1");
    await cp.send(new DeletePipelineCommand({ name: "taken" }));
  });

  it("answers structure errors with the stage and action named", async () => {
    const bad = samplePipeline("bad");
    bad.stages![1]!.actions![0]!.inputArtifacts = [{ name: "Missing" }];
    expect(await failure(cp.send(new CreatePipelineCommand({ pipeline: bad })))).toMatchObject({
      name: "InvalidActionDeclarationException",
      message:
        'Stage "Build", action "Compile": input artifact "Missing" is not produced by any earlier action; artifacts produced before it: SourceOutput.',
    });
    const v1 = { ...samplePipeline("v1"), pipelineType: "V1" as const, variables: [{ name: "env" }] };
    expect((await failure(cp.send(new CreatePipelineCommand({ pipeline: v1 })))).name).toBe(
      "ValidationException",
    );
  });

  it("keeps a V2 pipeline's variables, triggers, conditions and Commands action", async () => {
    const v2 = samplePipeline("v2");
    v2.pipelineType = "V2";
    v2.executionMode = "QUEUED";
    v2.variables = [{ name: "env", defaultValue: "dev", description: "where to deploy" }];
    v2.triggers = [
      {
        providerType: "CodeStarSourceConnection",
        gitConfiguration: {
          sourceActionName: "Checkout",
          push: [{ branches: { includes: ["main"] }, filePaths: { excludes: ["docs/**"] } }],
        },
      },
    ];
    v2.stages![2]!.onFailure = { result: "RETRY", retryConfiguration: { retryMode: "FAILED_ACTIONS" } };
    v2.stages![2]!.actions!.push({
      name: "Smoke",
      actionTypeId: { category: "Compute", owner: "AWS", provider: "Commands", version: "1" },
      runOrder: 2,
      inputArtifacts: [{ name: "BuildOutput" }],
      outputArtifacts: [{ name: "Report", files: ["report/**"] }],
      commands: ["./smoke.sh #{variables.env}"],
      outputVariables: ["RESULT"],
      environmentVariables: [{ name: "TARGET", value: "#{variables.env}", type: "PLAINTEXT" }],
    });
    const created = await cp.send(new CreatePipelineCommand({ pipeline: v2 }));
    expect(created.pipeline).toMatchObject({
      pipelineType: "V2",
      executionMode: "QUEUED",
      variables: v2.variables,
    });
    const got = await cp.send(new GetPipelineCommand({ name: "v2" }));
    expect(got.pipeline?.triggers).toEqual(v2.triggers);
    expect(got.pipeline?.stages?.[2]?.actions?.[1]).toMatchObject({
      commands: ["./smoke.sh #{variables.env}"],
    });
    // An update that leaves the type and mode out (an older client) keeps them.
    const { pipelineType: _t, executionMode: _m, ...rest } = got.pipeline!;
    const updated = await cp.send(new UpdatePipelineCommand({ pipeline: rest }));
    expect(updated.pipeline).toMatchObject({ version: 2, pipelineType: "V2", executionMode: "QUEUED" });
    const listed = await cp.send(new ListPipelinesCommand({}));
    expect(listed.pipelines?.find((p) => p.name === "v2")).toMatchObject({
      pipelineType: "V2",
      executionMode: "QUEUED",
    });
    await cp.send(new DeletePipelineCommand({ name: "v2" }));
  });

  it("lists pipelines a page at a time", async () => {
    for (const name of ["p-a", "p-b", "p-c", "p-d", "p-e"])
      await cp.send(new CreatePipelineCommand({ pipeline: samplePipeline(name) }));
    const first = await cp.send(new ListPipelinesCommand({ maxResults: 2 }));
    expect(first.pipelines?.map((p) => p.name)).toEqual(["p-a", "p-b"]);
    expect(first.pipelines?.[0]).toMatchObject({
      version: 1,
      pipelineType: "V1",
      executionMode: "SUPERSEDED",
    });
    expect(first.nextToken).toBeDefined();
    const names: string[] = [];
    for await (const page of paginateListPipelines({ client: cp, pageSize: 2 }, {}))
      names.push(...(page.pipelines ?? []).map((p) => p.name!));
    expect(names).toEqual(["p-a", "p-b", "p-c", "p-d", "p-e"]);
    expect((await failure(cp.send(new ListPipelinesCommand({ nextToken: "garbage" })))).name).toBe(
      "InvalidNextTokenException",
    );
    for (const name of names) await cp.send(new DeletePipelineCommand({ name }));
  });

  it("tags pipelines by ARN", async () => {
    await cp.send(
      new CreatePipelineCommand({ pipeline: samplePipeline("tagged"), tags: [{ key: "a", value: "1" }] }),
    );
    const arn = "arn:aws:codepipeline:us-east-1:000000000000:tagged";
    await cp.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: "b", value: "2" },
          { key: "a", value: "3" },
        ],
      }),
    );
    expect((await cp.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: "a", value: "3" },
      { key: "b", value: "2" },
    ]);
    await cp.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["a", "nope"] }));
    expect((await cp.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: "b", value: "2" },
    ]);

    expect(
      (await failure(cp.send(new TagResourceCommand({ resourceArn: "not-an-arn", tags: [] })))).name,
    ).toBe("InvalidArnException");
    expect(
      (
        await failure(
          cp.send(
            new ListTagsForResourceCommand({
              resourceArn: "arn:aws:codepipeline:us-east-1:000000000000:none",
            }),
          ),
        )
      ).name,
    ).toBe("ResourceNotFoundException");
    expect(
      (
        await failure(
          cp.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: "aws:x", value: "1" }] })),
        )
      ).name,
    ).toBe("InvalidTagsException");
    const many = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: "v" }));
    expect((await failure(cp.send(new TagResourceCommand({ resourceArn: arn, tags: many })))).name).toBe(
      "TooManyTagsException",
    );
    await cp.send(new DeletePipelineCommand({ name: "tagged" }));
  });

  it("lists the built-in action types and describes each", async () => {
    const all = await cp.send(new ListActionTypesCommand({}));
    const names = all.actionTypes!.map((t) => `${t.id!.category}/${t.id!.owner}/${t.id!.provider}`);
    expect(names).toEqual(
      expect.arrayContaining([
        "Source/AWS/CodeCommit",
        "Source/AWS/S3",
        "Build/AWS/CodeBuild",
        "Test/AWS/CodeBuild",
        "Approval/AWS/Manual",
        "Deploy/AWS/S3",
        "Deploy/AWS/CodeDeploy",
        "Compute/AWS/Commands",
      ]),
    );
    const codebuild = all.actionTypes!.find((t) => t.id!.category === "Build")!;
    expect(codebuild.inputArtifactDetails).toEqual({ minimumCount: 1, maximumCount: 5 });
    expect(codebuild.actionConfigurationProperties?.find((p) => p.name === "ProjectName")).toMatchObject({
      required: true,
      key: true,
      secret: false,
    });
    expect((await cp.send(new ListActionTypesCommand({ actionOwnerFilter: "Custom" }))).actionTypes).toEqual(
      [],
    );
    expect((await cp.send(new ListActionTypesCommand({ regionFilter: "eu-west-1" }))).actionTypes).toEqual(
      [],
    );
    expect(
      (await cp.send(new ListActionTypesCommand({ regionFilter: "us-east-1" }))).actionTypes?.length,
    ).toBe(8);

    const s3 = await cp.send(
      new GetActionTypeCommand({ category: "Deploy", owner: "AWS", provider: "S3", version: "1" }),
    );
    expect(s3.actionType?.id).toEqual({ category: "Deploy", owner: "AWS", provider: "S3", version: "1" });
    expect(s3.actionType?.properties?.find((p) => p.name === "Extract")).toMatchObject({ optional: false });
    expect(
      (
        await failure(
          cp.send(
            new GetActionTypeCommand({ category: "Build", owner: "AWS", provider: "Jenkins", version: "1" }),
          ),
        )
      ).name,
    ).toBe("ActionTypeNotFoundException");
  });
});

describe("CodePipeline against hostile input", () => {
  let server: TestServer;
  let cp: CodePipelineClient;
  beforeAll(async () => {
    server = await startTestServer({ config: { maxRequestBodyBytes: 4 * 1024 * 1024 } });
    cp = new CodePipelineClient(server.clientConfig);
    const s3 = new S3Client(server.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: "pipeline-artifacts" }));
    s3.destroy();
  });
  afterAll(async () => {
    cp?.destroy();
    await server?.stop();
  });

  async function raw(
    target: string,
    body: string,
  ): Promise<{ status: number; type: string; message: string }> {
    const res = await jsonCall(server, `CodePipeline_20150709.${target}`, body, { service: "codepipeline" });
    const json = (await res.json()) as { __type?: string; message?: string };
    return { status: res.status, type: json.__type ?? "", message: json.message ?? "" };
  }

  it("refuses 1,000 stages with the quota named", async () => {
    const p = samplePipeline("huge");
    for (let i = 0; i < 997; i++) p.stages!.push({ ...p.stages![2]!, name: `S${i}` });
    const res = await raw("CreatePipeline", JSON.stringify({ pipeline: p }));
    expect(res).toMatchObject({ status: 400, type: "InvalidStructureException" });
    expect(res.message).toContain("at most 50 stages");
  });

  it("refuses names with dots and slashes, NUL and overlong values as validation errors", async () => {
    for (const name of ["../etc", "a/b", "a\u0000b", "x".repeat(101)]) {
      const res = await raw("CreatePipeline", JSON.stringify({ pipeline: samplePipeline(name) }));
      expect(res, name).toMatchObject({ status: 400, type: "ValidationException" });
    }
    expect((await raw("GetPipeline", JSON.stringify({ name: "a/../b" }))).type).toBe("ValidationException");
    const p = samplePipeline("big");
    p.stages![1]!.actions![0]!.configuration = { ProjectName: "p".repeat(1_000_000) };
    expect(await raw("CreatePipeline", JSON.stringify({ pipeline: p }))).toMatchObject({
      status: 400,
      type: "ValidationException",
    });
  });

  it("answers deep nesting and wrong types with 4xx, never 500", async () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    for (const body of [
      `{"pipeline":${deep}}`,
      `{"pipeline":{"name":"d","roleArn":"${ROLE}","stages":${deep}}}`,
      JSON.stringify({
        pipeline: {
          ...samplePipeline("d"),
          stages: [{ name: "S", actions: [{ name: "A", configuration: [[["x"]]] }] }],
        },
      }),
      JSON.stringify({ pipeline: { ...samplePipeline("d"), artifactStores: { __proto__: 1 } } }),
    ]) {
      const res = await raw("CreatePipeline", body);
      expect(res.status, body.slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(res.status, body.slice(0, 80)).toBeLessThan(500);
    }
  });

  it("refuses prototype-pollution keys in configuration by name", async () => {
    for (const key of ["__proto__", "constructor", "toString"]) {
      const body = JSON.stringify({ pipeline: samplePipeline("pp") }).replace(
        '"ProjectName":"app-build"',
        `"ProjectName":"app-build","${key}":"x"`,
      );
      const res = await raw("CreatePipeline", body);
      expect(res, key).toMatchObject({ status: 400, type: "InvalidActionDeclarationException" });
      expect(res.message).toContain(`"${key}"`);
      expect(res.message).toContain('Stage "Build", action "Compile"');
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("refuses malformed variable references", async () => {
    for (const value of ["#{", "#{a.b.c}", "#{.}", "x#{SourceVariables}"]) {
      const p = samplePipeline("refs");
      p.stages![1]!.actions![0]!.configuration = { ProjectName: value };
      const res = await raw("CreatePipeline", JSON.stringify({ pipeline: p }));
      expect(res, value).toMatchObject({ status: 400, type: "InvalidActionDeclarationException" });
      expect(res.message).toContain('action "Compile"');
    }
  });

  it("respects the request size limit", async () => {
    const p = samplePipeline("fat");
    const body = JSON.stringify({ pipeline: p, pad: "x".repeat(5 * 1024 * 1024) });
    const res = await jsonCall(server, "CodePipeline_20150709.CreatePipeline", body, {
      service: "codepipeline",
    });
    expect(res.status).toBe(413);
  });
});
