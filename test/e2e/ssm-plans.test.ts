import {
  DescribeParametersCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
  type DescribeParametersCommandInput,
  type GetParametersByPathCommandInput,
} from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePageToken } from "../../src/services/kit/index.js";
import { fullScans, recordQueries } from "../support/query-plans.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { dialects } from "../support/stores.js";

// Names chosen so that byte order matters: `-` and `.` sort before `/`, digits and capitals after.
const NAMES = [
  "/app/a",
  "/app/a-b",
  "/app/a.b",
  "/app/a/deep",
  "/app/a/deep/deeper",
  "/app/B",
  "/app/b",
  "/app/sub/c",
  "/app/sub/d",
  "/app0",
  "/other/x",
  "plain",
  "Plain2",
];

describe.each(dialects())("SSM listings on %s read one page from an index", (dialect) => {
  const recorder = recordQueries();
  let server: TestServer;
  let ssm: SSMClient;

  beforeAll(async () => {
    server = await startTestServer({ dialect, server: { onQuery: recorder.onQuery } });
    ssm = new SSMClient(server.clientConfig);
    for (const [i, Name] of NAMES.entries()) {
      const secure = i % 3 === 0;
      await ssm.send(
        new PutParameterCommand({
          Name,
          Value: `v${i}`,
          Type: secure ? "SecureString" : "String",
          Tags: [{ Key: "team", Value: i % 2 ? "ci" : "ops" }],
        }),
      );
    }
    for (let v = 2; v <= 5; v++) {
      await ssm.send(
        new PutParameterCommand({ Name: "/app/a", Value: `a${v}`, Type: "String", Overwrite: true }),
      );
    }
  });
  afterAll(async () => {
    ssm?.destroy();
    await server?.stop();
  });

  /** Runs `send` as `operation` and expects at least one statement, none of them a scan. */
  async function expectIndexed(operation: string, send: () => Promise<unknown>): Promise<void> {
    const queries = await recorder.during(operation, send);
    expect(queries.length).toBeGreaterThan(0);
    expect(await fullScans(server.store, queries)).toEqual([]);
  }

  async function describeAll(input: DescribeParametersCommandInput): Promise<string[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ssm.send(new DescribeParametersCommand({ ...input, NextToken }));
      names.push(...(page.Parameters ?? []).map((p) => p.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    return names;
  }

  async function byPathAll(input: GetParametersByPathCommandInput): Promise<string[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ssm.send(new GetParametersByPathCommand({ ...input, NextToken }));
      names.push(...(page.Parameters ?? []).map((p) => p.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    return names;
  }

  const sorted = [...NAMES].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

  const describeFilters: Array<[string, DescribeParametersCommandInput]> = [
    ["no filter", {}],
    ["Name Equals", { ParameterFilters: [{ Key: "Name", Option: "Equals", Values: ["/app/b", "plain"] }] }],
    ["Name BeginsWith", { ParameterFilters: [{ Key: "Name", Option: "BeginsWith", Values: ["/app/a"] }] }],
    ["Name Contains", { ParameterFilters: [{ Key: "Name", Option: "Contains", Values: ["sub"] }] }],
    ["Path OneLevel", { ParameterFilters: [{ Key: "Path", Option: "OneLevel", Values: ["/app"] }] }],
    ["Path Recursive", { ParameterFilters: [{ Key: "Path", Option: "Recursive", Values: ["/app/a"] }] }],
    ["Path at the root", { ParameterFilters: [{ Key: "Path", Values: ["/"] }] }],
    ["Type", { ParameterFilters: [{ Key: "Type", Values: ["SecureString"] }] }],
    ["tag", { ParameterFilters: [{ Key: "tag:team", Values: ["ci"] }] }],
    ["legacy Name", { Filters: [{ Key: "Name", Values: ["/app/sub"] }] }],
    ["legacy Type", { Filters: [{ Key: "Type", Values: ["String"] }] }],
  ];

  it.each(describeFilters)("DescribeParameters with %s, first page and next", async (_, input) => {
    let token: string | undefined;
    await expectIndexed("DescribeParameters", async () => {
      token = (await ssm.send(new DescribeParametersCommand({ ...input, MaxResults: 2 }))).NextToken;
    });
    if (token) {
      await expectIndexed("DescribeParameters", () =>
        ssm.send(new DescribeParametersCommand({ ...input, MaxResults: 2, NextToken: token })),
      );
    }
  });

  it("DescribeParameters pages walk the whole listing in byte order, for every filter", async () => {
    expect(await describeAll({ MaxResults: 2 })).toEqual(sorted);
    expect(await describeAll({})).toEqual(sorted);
    for (const [, input] of describeFilters) {
      expect(await describeAll({ ...input, MaxResults: 1 })).toEqual(
        await describeAll({ ...input, MaxResults: 50 }),
      );
    }
    expect(
      await describeAll({ ParameterFilters: [{ Key: "Path", Option: "OneLevel", Values: ["/app"] }] }),
    ).toEqual(["/app/B", "/app/a", "/app/a-b", "/app/a.b", "/app/b"]);
    expect(await describeAll({ ParameterFilters: [{ Key: "Path", Values: ["/"] }] })).toEqual([
      "/app0",
      "Plain2",
      "plain",
    ]);
  });

  const pathInputs: Array<[string, GetParametersByPathCommandInput]> = [
    ["one level", { Path: "/app" }],
    ["recursive", { Path: "/app", Recursive: true }],
    ["the root, one level", { Path: "/" }],
    ["the root, recursive", { Path: "/", Recursive: true }],
    [
      "a Type filter",
      { Path: "/app", Recursive: true, ParameterFilters: [{ Key: "Type", Values: ["String"] }] },
    ],
    ["a Label filter", { Path: "/app", ParameterFilters: [{ Key: "Label", Values: ["prod"] }] }],
  ];

  it.each(pathInputs)("GetParametersByPath %s, first page and next", async (_, input) => {
    let token: string | undefined;
    await expectIndexed("GetParametersByPath", async () => {
      token = (await ssm.send(new GetParametersByPathCommand({ ...input, MaxResults: 2 }))).NextToken;
    });
    if (token) {
      await expectIndexed("GetParametersByPath", () =>
        ssm.send(new GetParametersByPathCommand({ ...input, MaxResults: 2, NextToken: token })),
      );
    }
  });

  it("GetParametersByPath pages walk the whole listing in byte order", async () => {
    expect(await byPathAll({ Path: "/app", MaxResults: 1 })).toEqual([
      "/app/B",
      "/app/a",
      "/app/a-b",
      "/app/a.b",
      "/app/b",
    ]);
    expect(await byPathAll({ Path: "/app/", Recursive: true, MaxResults: 2 })).toEqual(
      sorted.filter((n) => n.startsWith("/app/")),
    );
    expect(await byPathAll({ Path: "/", MaxResults: 2 })).toEqual(["/app0", "Plain2", "plain"]);
    expect(await byPathAll({ Path: "/", Recursive: true, MaxResults: 3 })).toEqual(sorted);
    expect(
      await byPathAll({
        Path: "/app",
        MaxResults: 1,
        ParameterFilters: [{ Key: "Label", Values: ["prod"] }],
      }),
    ).toEqual([]);
  });

  it("GetParameterHistory, first page and next, oldest first", async () => {
    let token: string | undefined;
    await expectIndexed("GetParameterHistory", async () => {
      token = (await ssm.send(new GetParameterHistoryCommand({ Name: "/app/a", MaxResults: 2 }))).NextToken;
    });
    await expectIndexed("GetParameterHistory", () =>
      ssm.send(new GetParameterHistoryCommand({ Name: "/app/a", MaxResults: 2, NextToken: token })),
    );
    const versions: number[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ssm.send(
        new GetParameterHistoryCommand({ Name: "/app/a", MaxResults: 2, NextToken }),
      );
      versions.push(...(page.Parameters ?? []).map((p) => p.Version!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(versions).toEqual([1, 2, 3, 4, 5]);
  });

  it("refuses an offset token with InvalidNextToken", async () => {
    const offset = encodePageToken("describe", 2);
    await expect(
      ssm.send(new DescribeParametersCommand({ MaxResults: 2, NextToken: offset })),
    ).rejects.toMatchObject({ name: "InvalidNextToken" });
    await expect(
      ssm.send(
        new GetParametersByPathCommand({ Path: "/app", NextToken: encodePageToken("path:1:/app", 2) }),
      ),
    ).rejects.toMatchObject({ name: "InvalidNextToken" });
    await expect(
      ssm.send(
        new GetParameterHistoryCommand({ Name: "/app/a", NextToken: encodePageToken("history:/app/a", "x") }),
      ),
    ).rejects.toMatchObject({ name: "InvalidNextToken" });
  });
});
