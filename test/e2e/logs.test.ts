import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendLogEvents } from "../../src/services/logs/index.js";
import { awsCli, hasAwsCli, hasPostgres, startTestServer, type TestServer } from "../support/server.js";

const dialects = ["sqlite", ...(hasPostgres() ? ["postgres" as const] : [])] as const;

describe.each(dialects)("CloudWatch Logs reading on %s", (dialect) => {
  let server: TestServer;
  let logs: CloudWatchLogsClient;
  const t0 = Date.now() - 60_000;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    logs = new CloudWatchLogsClient(server.clientConfig);
    const scope = { accountId: server.config.accountId, region: server.config.region };
    const lines = Array.from({ length: 25 }, (_, i) => ({ timestamp: t0 + i * 1000, message: `line ${i}` }));
    await appendLogEvents(server.store.db, { ...scope, group: "/g", stream: "a", lines: lines.slice(0, 20) });
    await appendLogEvents(server.store.db, { ...scope, group: "/g", stream: "a", lines: lines.slice(20) });
    await appendLogEvents(server.store.db, {
      ...scope,
      group: "/g",
      stream: "b",
      lines: [{ timestamp: t0 + 500, message: "ERROR in b" }],
    });
  });
  afterAll(async () => {
    logs?.destroy();
    await server?.stop();
  });

  it("GetLogEvents pages forwards from the head and stops with the same token at the end", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await logs.send(
        new GetLogEventsCommand({
          logGroupName: "/g",
          logStreamName: "a",
          startFromHead: true,
          limit: 10,
          ...(token ? { nextToken: token } : {}),
        }),
      );
      seen.push(...page.events!.map((e) => e.message!));
      if (page.nextForwardToken === token) break;
      token = page.nextForwardToken;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `line ${i}`));
  });

  it("GetLogEvents without startFromHead returns the tail, and pages backwards", async () => {
    const tail = await logs.send(
      new GetLogEventsCommand({ logGroupName: "/g", logStreamName: "a", limit: 5 }),
    );
    expect(tail.events!.map((e) => e.message)).toEqual([
      "line 20",
      "line 21",
      "line 22",
      "line 23",
      "line 24",
    ]);
    const before = await logs.send(
      new GetLogEventsCommand({
        logGroupName: "/g",
        logStreamName: "a",
        limit: 2,
        nextToken: tail.nextBackwardToken,
      }),
    );
    expect(before.events!.map((e) => e.message)).toEqual(["line 18", "line 19"]);
    const windowed = await logs.send(
      new GetLogEventsCommand({
        logGroupName: "/g",
        logStreamName: "a",
        startFromHead: true,
        startTime: t0 + 3000,
        endTime: t0 + 5000,
      }),
    );
    expect(windowed.events!.map((e) => e.message)).toEqual(["line 3", "line 4"]);
  });

  it("FilterLogEvents interleaves streams by time, filters by terms and pages", async () => {
    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: "/g", limit: 3 }));
    expect(all.events!.map((e) => [e.logStreamName, e.message])).toEqual([
      ["a", "line 0"],
      ["b", "ERROR in b"],
      ["a", "line 1"],
    ]);
    const next = await logs.send(
      new FilterLogEventsCommand({ logGroupName: "/g", limit: 3, nextToken: all.nextToken }),
    );
    expect(next.events!.map((e) => e.message)).toEqual(["line 2", "line 3", "line 4"]);
    const errors = await logs.send(
      new FilterLogEventsCommand({ logGroupName: "/g", filterPattern: "ERROR" }),
    );
    expect(errors.events!.map((e) => e.message)).toEqual(["ERROR in b"]);
    expect(errors.nextToken).toBeUndefined();
    const onlyA = await logs.send(
      new FilterLogEventsCommand({ logGroupName: "/g", logStreamNames: ["a"], filterPattern: '"line 2"' }),
    );
    expect(onlyA.events!.map((e) => e.message)).toEqual([
      "line 2",
      "line 20",
      "line 21",
      "line 22",
      "line 23",
      "line 24",
    ]);
  });

  it("describes groups and streams, and says when they do not exist", async () => {
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/g" }));
    expect(logGroups!.map((g) => g.logGroupName)).toEqual(["/g"]);
    const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName: "/g" }));
    expect(logStreams!.map((s) => [s.logStreamName, s.firstEventTimestamp, s.lastEventTimestamp])).toEqual([
      ["a", t0, t0 + 24_000],
      ["b", t0 + 500, t0 + 500],
    ]);
    await expect(
      logs.send(new GetLogEventsCommand({ logGroupName: "/g", logStreamName: "zzz" })),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await expect(logs.send(new FilterLogEventsCommand({ logGroupName: "/none" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });

  it.runIf(hasAwsCli() && dialect === "sqlite")("aws logs tail prints the group's lines", async () => {
    const out = await awsCli(server, ["logs", "tail", "/g", "--since", "1h", "--format", "short"]);
    expect(out.stderr).toBe("");
    expect(out.stdout).toContain("ERROR in b");
    expect(out.stdout).toContain("line 24");
  });
});
