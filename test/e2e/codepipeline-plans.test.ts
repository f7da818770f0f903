import {
  CodePipelineClient,
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  GetPipelineStateCommand,
  InvalidNextTokenException,
  ListActionExecutionsCommand,
  ListActionTypesCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  ListRuleExecutionsCommand,
  ListTagsForResourceCommand,
  PollForJobsCommand,
  StartPipelineExecutionCommand,
  type ActionTypeId,
  type PipelineDeclaration,
} from "@aws-sdk/client-codepipeline";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullScans, recordQueries } from "../support/query-plans.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";
import { zipOf } from "./codebuild-support.js";

const ROCKET: ActionTypeId = { category: "Deploy", owner: "Custom", provider: "Rocket", version: "1" };

/** Waits for `ready` (expect.poll is for tests, not for beforeAll). */
async function until(ready: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A pipeline whose runs pass a stage condition and wait for a custom action's job worker. */
function pipeline(name: string): PipelineDeclaration {
  return {
    name,
    roleArn: "arn:aws:iam::000000000000:role/pipeline",
    pipelineType: "V2",
    executionMode: "PARALLEL",
    artifactStore: { type: "S3", location: "plans-artifacts" },
    stages: [
      {
        name: "Source",
        actions: [
          {
            name: "Fetch",
            actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
            configuration: {
              S3Bucket: "plans-source",
              S3ObjectKey: "app.zip",
              PollForSourceChanges: "false",
            },
            outputArtifacts: [{ name: "App" }],
          },
        ],
      },
      {
        name: "Launch",
        beforeEntry: {
          conditions: [
            {
              result: "FAIL",
              rules: [
                {
                  name: "Known",
                  ruleTypeId: { category: "Rule", owner: "AWS", provider: "VariableCheck", version: "1" },
                  configuration: {
                    Variable: "#{codepipeline.PipelineExecutionId}",
                    Value: "^[0-9a-f-]{36}$",
                    Operator: "MATCHES",
                  },
                },
              ],
            },
          ],
        },
        actions: [
          {
            name: "Rocket",
            actionTypeId: ROCKET,
            configuration: { Pad: name },
            inputArtifacts: [{ name: "App" }],
          },
        ],
      },
    ],
  };
}

/** A token of `listing` whose position is an offset, as this server's listings once handed out. */
function offsetToken(listing: string, offset: number): string {
  return Buffer.from(JSON.stringify({ l: listing, p: offset })).toString("base64url");
}

describe.each(dialects())("CodePipeline listings on %s read one page from an index", (dialect) => {
  const rec = recordQueries();
  let server: TestServer;
  let cp: CodePipelineClient;
  let executionIds: string[] = [];

  /** The statements `operation` ran for `fn`; asserts there were some and that none scans. */
  async function expectIndexed(operation: string, fn: () => Promise<unknown>): Promise<void> {
    const queries = await rec.during(operation, fn);
    expect(queries.length).toBeGreaterThan(0);
    expect(await fullScans(server.store, queries)).toEqual([]);
  }

  beforeAll(async () => {
    server = await startTestServer({ dialect, server: { onQuery: rec.onQuery } });
    cp = new CodePipelineClient(server.clientConfig);
    const s3 = new S3Client({ ...server.clientConfig, forcePathStyle: true });
    for (const Bucket of ["plans-artifacts", "plans-source"])
      await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(
      new PutObjectCommand({ Bucket: "plans-source", Key: "app.zip", Body: await zipOf({ "a.txt": "a" }) }),
    );
    s3.destroy();
    await cp.send(
      new CreateCustomActionTypeCommand({
        ...ROCKET,
        category: "Deploy",
        provider: "Rocket",
        version: "1",
        configurationProperties: [{ name: "Pad", required: true, key: true, secret: false, queryable: true }],
        inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      }),
    );
    for (const provider of ["Comet", "Meteor"]) {
      await cp.send(
        new CreateCustomActionTypeCommand({
          category: "Test",
          provider,
          version: "1",
          inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
          outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
        }),
      );
    }
    for (const name of ["launch", "alpha", "Zulu", "beta"]) {
      await cp.send(
        new CreatePipelineCommand({ pipeline: pipeline(name), tags: [{ key: "team", value: name }] }),
      );
    }
    for (let i = 0; i < 2; i++) await cp.send(new StartPipelineExecutionCommand({ name: "launch" }));
    // Every run of "launch" reaches the custom action, its job queued.
    await until(async () => {
      const { actionExecutionDetails } = await cp.send(
        new ListActionExecutionsCommand({ pipelineName: "launch" }),
      );
      return actionExecutionDetails?.filter((d) => d.actionName === "Rocket").length === 3;
    }, "three runs of Rocket");
    const { pipelineExecutionSummaries } = await cp.send(
      new ListPipelineExecutionsCommand({ pipelineName: "launch" }),
    );
    executionIds = pipelineExecutionSummaries!.map((s) => s.pipelineExecutionId!);
  }, 60_000);
  afterAll(async () => {
    cp?.destroy();
    await server?.stop();
  });

  it("ListPipelines, first page and next", async () => {
    let token: string | undefined;
    await expectIndexed("ListPipelines", async () => {
      token = (await cp.send(new ListPipelinesCommand({ maxResults: 2 }))).nextToken;
    });
    expect(token).toBeDefined();
    await expectIndexed("ListPipelines", () =>
      cp.send(new ListPipelinesCommand({ maxResults: 2, nextToken: token })),
    );
  });

  it("ListPipelineExecutions, first page, next, and succeededInStage", async () => {
    let token: string | undefined;
    await expectIndexed("ListPipelineExecutions", async () => {
      token = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: "launch", maxResults: 1 })))
        .nextToken;
    });
    await expectIndexed("ListPipelineExecutions", () =>
      cp.send(new ListPipelineExecutionsCommand({ pipelineName: "launch", maxResults: 1, nextToken: token })),
    );
    await expectIndexed("ListPipelineExecutions", () =>
      cp.send(
        new ListPipelineExecutionsCommand({
          pipelineName: "launch",
          maxResults: 1,
          filter: { succeededInStage: { stageName: "Source" } },
        }),
      ),
    );
  });

  it("ListActionExecutions and ListRuleExecutions, by pipeline and by execution", async () => {
    for (const [operation, send] of [
      [
        "ListActionExecutions",
        (input: { nextToken?: string; filter?: { pipelineExecutionId: string } }) =>
          cp.send(new ListActionExecutionsCommand({ pipelineName: "launch", maxResults: 1, ...input })),
      ],
      [
        "ListRuleExecutions",
        (input: { nextToken?: string; filter?: { pipelineExecutionId: string } }) =>
          cp.send(new ListRuleExecutionsCommand({ pipelineName: "launch", maxResults: 1, ...input })),
      ],
    ] as const) {
      let token: string | undefined;
      await expectIndexed(operation, async () => {
        token = (await send({})).nextToken;
      });
      expect(token).toBeDefined();
      await expectIndexed(operation, () => send({ nextToken: token }));
      await expectIndexed(operation, () => send({ filter: { pipelineExecutionId: executionIds[1]! } }));
    }
  });

  it("ListActionTypes, every owner and each, first page and next", async () => {
    let token: string | undefined;
    await expectIndexed("ListActionTypes", async () => {
      token = (await cp.send(new ListActionTypesCommand({}))).nextToken;
    });
    for (const owner of ["AWS", "Custom"] as const) {
      await expectIndexed("ListActionTypes", () =>
        cp.send(new ListActionTypesCommand({ actionOwnerFilter: owner })),
      );
    }
    if (token !== undefined)
      await expectIndexed("ListActionTypes", () => cp.send(new ListActionTypesCommand({ nextToken: token })));
  });

  it("ListTagsForResource and GetPipelineState", async () => {
    await expectIndexed("ListTagsForResource", () =>
      cp.send(
        new ListTagsForResourceCommand({
          resourceArn: `arn:aws:codepipeline:${server.clientConfig.region}:000000000000:launch`,
        }),
      ),
    );
    await expectIndexed("GetPipelineState", () => cp.send(new GetPipelineStateCommand({ name: "launch" })));
  });

  it("PollForJobs claims a job through the queue index", async () => {
    await expectIndexed("PollForJobs", async () => {
      const { jobs } = await cp.send(
        new PollForJobsCommand({ actionTypeId: ROCKET, maxBatchSize: 1, queryParam: { Pad: "launch" } }),
      );
      expect(jobs).toHaveLength(1);
    });
  });

  it("walking every page with a small page size gives the whole listing in order", async () => {
    const walk = async <T>(page: (token?: string) => Promise<{ items: T[]; nextToken?: string }>) => {
      const all: T[] = [];
      let token: string | undefined;
      do {
        const answer = await page(token);
        all.push(...answer.items);
        token = answer.nextToken;
      } while (token !== undefined);
      return all;
    };
    const pipelines = await walk(async (nextToken) => {
      const a = await cp.send(new ListPipelinesCommand({ maxResults: 1, nextToken }));
      return { items: a.pipelines!.map((p) => p.name), nextToken: a.nextToken };
    });
    // Byte order on both dialects: upper case before lower.
    expect(pipelines).toEqual(["Zulu", "alpha", "beta", "launch"]);
    const executions = await walk(async (nextToken) => {
      const a = await cp.send(
        new ListPipelineExecutionsCommand({ pipelineName: "launch", maxResults: 1, nextToken }),
      );
      return {
        items: a.pipelineExecutionSummaries!.map((s) => s.pipelineExecutionId),
        nextToken: a.nextToken,
      };
    });
    expect(executions).toEqual(executionIds);
    const whole = await cp.send(new ListActionExecutionsCommand({ pipelineName: "launch" }));
    const actions = await walk(async (nextToken) => {
      const a = await cp.send(
        new ListActionExecutionsCommand({ pipelineName: "launch", maxResults: 1, nextToken }),
      );
      return { items: a.actionExecutionDetails!.map((d) => d.actionExecutionId), nextToken: a.nextToken };
    });
    expect(actions).toEqual(whole.actionExecutionDetails!.map((d) => d.actionExecutionId));
    const types = await cp.send(new ListActionTypesCommand({ actionOwnerFilter: "Custom" }));
    expect(types.actionTypes!.map((t) => t.id!.provider)).toEqual(["Rocket", "Comet", "Meteor"]);
  });

  it("refuses an offset token of the old kind", async () => {
    await expect(
      cp.send(
        new ListPipelineExecutionsCommand({
          pipelineName: "launch",
          nextToken: offsetToken("ListPipelineExecutions/launch", 1),
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidNextTokenException);
    await expect(
      cp.send(new ListActionTypesCommand({ nextToken: offsetToken("ListActionTypes//", 0) })),
    ).rejects.toBeInstanceOf(InvalidNextTokenException);
    await expect(
      cp.send(new ListPipelinesCommand({ nextToken: offsetToken("ListPipelines", 1) })),
    ).rejects.toBeInstanceOf(InvalidNextTokenException);
  });
});
