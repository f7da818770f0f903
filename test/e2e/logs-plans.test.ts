import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  type FilterLogEventsCommandInput,
} from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePageToken } from "../../src/services/kit/index.js";
import { appendLogEvents } from "../../src/services/logs/index.js";
import { fullScans, recordQueries } from "../support/query-plans.js";
import { bytewise, walkPages } from "../support/pages.js";
import { dialects } from "../support/stores.js";
import { startTestServer, type TestServer } from "../support/server.js";

const T0 = 1_700_000_000_000;
const GROUP = "/build/app";
/** Group names whose byte order differs from a locale's ("B" < "a", "-" and "_" not ignored). */
const GROUPS = Array.from(
  { length: 23 },
  (_, i) => `${["/a", "/B", "/c-", "/c_", "/build/"][i % 5]}${String((i * 7) % 23).padStart(2, "0")}`,
);

interface Stream {
  name: string;
  last?: number;
}

interface Line {
  stream: string;
  t: number;
  message: string;
}

/** Streams of GROUP with interleaved, overlapping lines in several appends each; two streams stay empty. */
async function seed(server: TestServer): Promise<{ streams: Stream[]; lines: Line[] }> {
  const scope = { accountId: server.config.accountId, region: server.config.region };
  const db = server.store.db;
  for (const group of GROUPS) await appendLogEvents(db, { ...scope, group, stream: "s", lines: [] });
  const streams: Stream[] = [];
  const lines: Line[] = [];
  for (let s = 0; s < 9; s++) {
    const name = `${["x", "Y", "x-", "x_"][s % 4]}stream${s}`;
    if (s === 4 || s === 7) {
      await appendLogEvents(db, { ...scope, group: GROUP, stream: name, lines: [] });
      streams.push({ name });
      continue;
    }
    let last = 0;
    for (let batch = 0; batch < 3; batch++) {
      const mine = Array.from({ length: 7 }, (_, i) => {
        // Timestamps overlap across streams and batches; some repeat within a stream.
        const t = T0 + (batch * 7 + i) * 1000 + (s % 3) * 1500 + (i === 3 ? -1000 : 0);
        return { stream: name, t, message: `${i % 2 ? "ERROR" : "INFO"} ${name} b${batch} l${i}` };
      });
      await appendLogEvents(db, {
        ...scope,
        group: GROUP,
        stream: name,
        lines: mine.map((l) => ({ timestamp: l.t, message: l.message })),
      });
      lines.push(...mine);
      last = Math.max(...mine.map((l) => l.t));
    }
    // The last event time is the last append's latest line; two streams share it.
    streams.push({ name, last: s === 8 ? streams[0]!.last! : last });
    if (s === 8) {
      await appendLogEvents(db, {
        ...scope,
        group: GROUP,
        stream: name,
        lines: [{ timestamp: streams[0]!.last!, message: "INFO last" }],
      });
      lines.push({ stream: name, t: streams[0]!.last!, message: "INFO last" });
    }
  }
  return { streams, lines };
}

describe.each(dialects())("CloudWatch Logs listings on %s read one page from an index", (dialect) => {
  const rec = recordQueries();
  let server: TestServer;
  let logs: CloudWatchLogsClient;
  let streams: Stream[];
  let lines: Line[];
  beforeAll(async () => {
    server = await startTestServer({ dialect, server: { onQuery: rec.onQuery } });
    logs = new CloudWatchLogsClient(server.clientConfig);
    ({ streams, lines } = await seed(server));
  });
  afterAll(async () => {
    logs?.destroy();
    await server?.stop();
  });

  async function expectIndexed(operation: string, fn: () => Promise<unknown>): Promise<void> {
    const queries = await rec.during(operation, fn);
    expect(queries.length).toBeGreaterThan(0);
    expect(await fullScans(server.store, queries)).toEqual([]);
  }

  it("DescribeLogGroups: all, by prefix, by pattern, page by page in byte order", async () => {
    const all = [...GROUPS, GROUP].sort(bytewise);
    const filters: Array<{ logGroupNamePrefix?: string; logGroupNamePattern?: string }> = [
      {},
      { logGroupNamePrefix: "/c" },
      { logGroupNamePattern: "build" },
    ];
    for (const filter of filters) {
      const input = { ...filter, limit: 3 };
      const first = await logs.send(new DescribeLogGroupsCommand(input));
      await expectIndexed("DescribeLogGroups", () => logs.send(new DescribeLogGroupsCommand(input)));
      await expectIndexed("DescribeLogGroups", () =>
        logs.send(new DescribeLogGroupsCommand({ ...input, nextToken: first.nextToken })),
      );
      const names = await walkPages(async (nextToken) => {
        const r = await logs.send(new DescribeLogGroupsCommand({ ...input, nextToken }));
        return { items: r.logGroups!.map((g) => g.logGroupName!), nextToken: r.nextToken };
      });
      const wanted = all.filter(
        (n) =>
          (!filter.logGroupNamePrefix || n.startsWith(filter.logGroupNamePrefix)) &&
          (!filter.logGroupNamePattern || n.includes(filter.logGroupNamePattern)),
      );
      expect(names).toEqual(wanted);
    }
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: GROUP }));
    const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l.message), 0);
    expect(logGroups).toEqual([expect.objectContaining({ logGroupName: GROUP, storedBytes: bytes })]);
  });

  it("DescribeLogStreams by name, both directions, with and without a prefix", async () => {
    for (const descending of [false, true]) {
      for (const prefix of [undefined, "x"]) {
        const input = {
          logGroupName: GROUP,
          descending,
          limit: 2,
          ...(prefix ? { logStreamNamePrefix: prefix } : {}),
        };
        const first = await logs.send(new DescribeLogStreamsCommand(input));
        await expectIndexed("DescribeLogStreams", () => logs.send(new DescribeLogStreamsCommand(input)));
        await expectIndexed("DescribeLogStreams", () =>
          logs.send(new DescribeLogStreamsCommand({ ...input, nextToken: first.nextToken })),
        );
        const names = await walkPages(async (nextToken) => {
          const r = await logs.send(new DescribeLogStreamsCommand({ ...input, nextToken }));
          return { items: r.logStreams!.map((s) => s.logStreamName!), nextToken: r.nextToken };
        });
        const wanted = streams
          .map((s) => s.name)
          .filter((n) => !prefix || n.startsWith(prefix))
          .sort(bytewise);
        expect(names).toEqual(descending ? wanted.reverse() : wanted);
      }
    }
  });

  it("DescribeLogStreams by LastEventTime, both directions; streams without events come first", async () => {
    for (const descending of [false, true]) {
      const input = { logGroupName: GROUP, orderBy: "LastEventTime" as const, descending, limit: 2 };
      const first = await logs.send(new DescribeLogStreamsCommand(input));
      await expectIndexed("DescribeLogStreams", () => logs.send(new DescribeLogStreamsCommand(input)));
      await expectIndexed("DescribeLogStreams", () =>
        logs.send(new DescribeLogStreamsCommand({ ...input, nextToken: first.nextToken })),
      );
      const names = await walkPages(async (nextToken) => {
        const r = await logs.send(new DescribeLogStreamsCommand({ ...input, nextToken }));
        return { items: r.logStreams!.map((s) => s.logStreamName!), nextToken: r.nextToken };
      });
      const wanted = [...streams]
        .sort((a, b) => (a.last ?? -1) - (b.last ?? -1) || bytewise(a.name, b.name))
        .map((s) => s.name);
      expect(names).toEqual(descending ? wanted.reverse() : wanted);
    }
  });

  it("GetLogEvents from the head, from the tail and within a time range", async () => {
    const stream = streams[0]!.name;
    const mine = lines.filter((l) => l.stream === stream);
    for (const extra of [
      { startFromHead: true },
      {},
      { startFromHead: true, startTime: T0 + 5000, endTime: T0 + 12_000 },
    ]) {
      const input = { logGroupName: GROUP, logStreamName: stream, limit: 4, ...extra };
      const first = await logs.send(new GetLogEventsCommand(input));
      await expectIndexed("GetLogEvents", () => logs.send(new GetLogEventsCommand(input)));
      const token = extra.startFromHead ? first.nextForwardToken : first.nextBackwardToken;
      await expectIndexed("GetLogEvents", () =>
        logs.send(new GetLogEventsCommand({ ...input, nextToken: token })),
      );
    }
    const ranged: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 50; i++) {
      const r = await logs.send(
        new GetLogEventsCommand({
          logGroupName: GROUP,
          logStreamName: stream,
          startFromHead: true,
          startTime: T0 + 5000,
          endTime: T0 + 12_000,
          limit: 2,
          nextToken: token,
        }),
      );
      ranged.push(...r.events!.map((e) => e.message!));
      if (r.nextForwardToken === token) break;
      token = r.nextForwardToken;
    }
    expect(ranged).toEqual(mine.filter((l) => l.t >= T0 + 5000 && l.t < T0 + 12_000).map((l) => l.message));
  });

  it("FilterLogEvents with each filter kind, page by page in time order", async () => {
    const order = (a: Line, b: Line) =>
      a.t - b.t ||
      streams.findIndex((s) => s.name === a.stream) - streams.findIndex((s) => s.name === b.stream);
    const filters: Array<[Partial<FilterLogEventsCommandInput>, (l: Line) => boolean]> = [
      [{}, () => true],
      [{ startTime: T0 + 4000, endTime: T0 + 15_000 }, (l) => l.t >= T0 + 4000 && l.t <= T0 + 15_000],
      [
        { logStreamNames: [streams[1]!.name, streams[2]!.name] },
        (l) => [streams[1]!.name, streams[2]!.name].includes(l.stream),
      ],
      [{ logStreamNamePrefix: "x" }, (l) => l.stream.startsWith("x")],
      [{ filterPattern: "ERROR" }, (l) => l.message.includes("ERROR")],
    ];
    for (const [filter, keep] of filters) {
      const input = { logGroupName: GROUP, limit: 4, ...filter };
      const first = await logs.send(new FilterLogEventsCommand(input));
      await expectIndexed("FilterLogEvents", () => logs.send(new FilterLogEventsCommand(input)));
      await expectIndexed("FilterLogEvents", () =>
        logs.send(new FilterLogEventsCommand({ ...input, nextToken: first.nextToken })),
      );
      const got = await walkPages(async (nextToken) => {
        const r = await logs.send(new FilterLogEventsCommand({ ...input, nextToken }));
        expect(r.events!.length).toBeLessThanOrEqual(4);
        return { items: r.events!.map((e) => e.message!), nextToken: r.nextToken };
      });
      expect(got).toEqual(
        [...lines]
          .filter(keep)
          .sort(order)
          .map((l) => l.message),
      );
    }
  });

  it("a search that matches little reads about a thousand chunks a request and pages on", async () => {
    // Two streams of one-append-per-chunk lines; b's chunks begin before the lines a's chunks hold.
    const scope = { accountId: server.config.accountId, region: server.config.region, group: "/long" };
    const all: Array<{ t: number; s: number; q: number; message: string }> = [];
    const N = 1100;
    await server.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < N; i++) {
        const a = { timestamp: T0 + 2 * i, message: i === N - 1 ? "needle a" : `a ${i}` };
        await appendLogEvents(trx, { ...scope, stream: "a", lines: [a] });
        all.push({ t: a.timestamp, s: 0, q: i, message: a.message });
        const b = [
          { timestamp: T0 + 2 * i + 1, message: `b ${i} x` },
          { timestamp: T0 + 2 * i - 3, message: `b ${i} y` },
        ];
        await appendLogEvents(trx, { ...scope, stream: "b", lines: b });
        b.forEach((l, k) => all.push({ t: l.timestamp, s: 1, q: 2 * i + k, message: l.message }));
      }
    });
    all.sort((x, y) => x.t - y.t || x.s - y.s || x.q - y.q);

    const pages: number[] = [];
    const everything = await walkPages(async (nextToken) => {
      const r = await logs.send(new FilterLogEventsCommand({ logGroupName: "/long", nextToken }));
      pages.push(r.events!.length);
      return { items: r.events!.map((e) => e.message!), nextToken: r.nextToken };
    });
    expect(everything).toEqual(all.map((l) => l.message));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    // About a thousand chunks a request, of one line (a) or two (b).
    expect(Math.max(...pages)).toBeLessThanOrEqual(2 * 1024);

    const found: number[] = [];
    const needles = await walkPages(async (nextToken) => {
      const r = await logs.send(
        new FilterLogEventsCommand({ logGroupName: "/long", filterPattern: "needle", nextToken }),
      );
      found.push(r.events!.length);
      return { items: r.events!.map((e) => e.message!), nextToken: r.nextToken };
    });
    expect(needles).toEqual(["needle a"]);
    expect(found[0]).toBe(0);

    // GetLogEvents: a narrow time range at the far end of a long stream, read from the head.
    const input = {
      logGroupName: "/long",
      logStreamName: "a",
      startFromHead: true,
      startTime: T0 + 2 * (N - 1),
    };
    const first = await logs.send(new GetLogEventsCommand(input));
    expect(first.events).toEqual([]);
    expect(first.nextForwardToken).not.toBe("f/00000000000000000000");
    const tail: string[] = [];
    let token = first.nextForwardToken;
    for (let i = 0; i < 10; i++) {
      const r = await logs.send(new GetLogEventsCommand({ ...input, nextToken: token }));
      tail.push(...r.events!.map((e) => e.message!));
      if (r.nextForwardToken === token) break;
      token = r.nextForwardToken;
    }
    expect(tail).toEqual(["needle a"]);
    // And backward from the tail to a range at the head.
    const head: string[] = [];
    let back: string | undefined;
    for (let i = 0; i < 10; i++) {
      const r = await logs.send(
        new GetLogEventsCommand({
          logGroupName: "/long",
          logStreamName: "a",
          endTime: T0 + 3,
          nextToken: back,
        }),
      );
      head.unshift(...r.events!.map((e) => e.message!));
      if (r.nextBackwardToken === back) break;
      back = r.nextBackwardToken;
    }
    expect(head).toEqual(["a 0", "a 1"]);
  });

  it("refuses an offset token from before with InvalidParameterException", async () => {
    const forged: Array<[string, () => Promise<unknown>]> = [
      [
        "DescribeLogStreams",
        () =>
          logs.send(
            new DescribeLogStreamsCommand({
              logGroupName: GROUP,
              nextToken: encodePageToken(`DescribeLogStreams/${GROUP}`, 2),
            }),
          ),
      ],
      [
        "DescribeLogGroups",
        () => logs.send(new DescribeLogGroupsCommand({ nextToken: encodePageToken("DescribeLogGroups", 3) })),
      ],
      [
        "FilterLogEvents",
        () =>
          logs.send(
            new FilterLogEventsCommand({
              logGroupName: GROUP,
              nextToken: encodePageToken(`FilterLogEvents/${GROUP}`, 4),
            }),
          ),
      ],
      [
        "GetLogEvents",
        () =>
          logs.send(
            new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: streams[0]!.name, nextToken: "4" }),
          ),
      ],
    ];
    for (const [what, send] of forged) {
      await expect(send(), what).rejects.toMatchObject({ name: "InvalidParameterException" });
    }
  });
});
