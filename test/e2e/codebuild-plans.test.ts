import {
  CodeBuildClient,
  CreateReportGroupCommand,
  DescribeTestCasesCommand,
  ListBuildsCommand,
  ListBuildsForProjectCommand,
  ListProjectsCommand,
  ListReportGroupsCommand,
  ListReportsCommand,
  ListReportsForReportGroupCommand,
} from "@aws-sdk/client-codebuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePageToken } from "../../src/services/kit/index.js";
import { fullScans, recordQueries } from "../support/query-plans.js";
import { bytewise, walkPages } from "../support/pages.js";
import { dialects } from "../support/stores.js";
import { startTestServer, type TestServer } from "../support/server.js";

const PROJECTS = 105;
const BUILDS_A = 130;
const BUILDS_B = 80;
const REPORTS = 12;
const TEST_CASES = 25;
/** Builds and reports share start and creation times in pairs, so ties in the sort keys are covered. */
const T0 = 1_700_000_000_000;

interface Seeded {
  projects: Array<{ name: string; created: number; modified: number }>;
  builds: Array<{ id: string; project: string; number: number; start: number }>;
  groupArn: string;
  otherGroupArn: string;
  reports: Array<{ arn: string; group: string; status: string; created: number }>;
  reportArn: string;
}

/** Rows written straight to the store: a listing needs many, and running builds would take minutes. */
async function seed(server: TestServer, cb: CodeBuildClient): Promise<Seeded> {
  const { accountId, region } = server.config;
  const db = server.store.db;
  const projects = Array.from({ length: PROJECTS }, (_, i) => ({
    // Names whose byte order differs from a locale's order ("B" < "a", "-" and "_" not ignored).
    name: `${["a", "B", "c-", "c_", "Z"][i % 5]}proj${String((i * 37) % PROJECTS).padStart(3, "0")}`,
    created: T0 + Math.floor(i / 2) * 1000,
    modified: T0 + ((i * 7) % 13) * 1000,
  }));
  await db
    .insertInto("codebuild_projects")
    .values(
      projects.map((p) => ({
        account_id: accountId,
        region,
        name: p.name,
        arn: `arn:aws:codebuild:${region}:${accountId}:project/${p.name}`,
        spec: "{}",
        build_counter: 0,
        created_at: p.created,
        last_modified_at: p.modified,
      })),
    )
    .execute();
  const builds = [
    ...Array.from({ length: BUILDS_A }, (_, i) => ({ project: projects[0]!.name, n: i + 1 })),
    ...Array.from({ length: BUILDS_B }, (_, i) => ({ project: projects[1]!.name, n: i + 1 })),
  ].map((b, i) => ({
    id: `${b.project}:${String((i * 7919) % 1000).padStart(4, "0")}-build`,
    project: b.project,
    number: b.n,
    start: T0 + Math.floor(i / 2) * 1000,
  }));
  for (let i = 0; i < builds.length; i += 50) {
    await db
      .insertInto("codebuild_builds")
      .values(
        builds.slice(i, i + 50).map((b) => ({
          id: b.id,
          account_id: accountId,
          region,
          project_name: b.project,
          build_number: b.number,
          status: "SUCCEEDED",
          current_phase: "COMPLETED",
          state: "done",
          stop_requested: 0,
          idempotency_token: null,
          doc: "{}",
          start_time: b.start,
          end_time: b.start + 1,
        })),
      )
      .execute();
  }
  const group = await cb.send(
    new CreateReportGroupCommand({
      name: "unit",
      type: "TEST",
      exportConfig: { exportConfigType: "NO_EXPORT" },
    }),
  );
  const other = await cb.send(
    new CreateReportGroupCommand({
      name: "Lint",
      type: "TEST",
      exportConfig: { exportConfigType: "NO_EXPORT" },
    }),
  );
  const groupArn = group.reportGroup!.arn!;
  const otherGroupArn = other.reportGroup!.arn!;
  const reports = Array.from({ length: REPORTS }, (_, i) => ({
    arn: `arn:aws:codebuild:${region}:${accountId}:report/unit:${String((i * 5) % REPORTS).padStart(2, "0")}`,
    group: i % 3 === 0 ? otherGroupArn : groupArn,
    status: i % 4 === 0 ? "FAILED" : "SUCCEEDED",
    created: T0 + Math.floor(i / 2) * 1000,
  }));
  for (const r of reports) {
    await db
      .insertInto("codebuild_reports")
      .values({
        arn: r.arn,
        report_group_arn: r.group,
        build_id: builds[0]!.id,
        name: "unit",
        type: "TEST",
        status: r.status,
        summary: "{}",
        created_at: r.created,
        account_id: accountId,
        region,
      })
      .execute();
  }
  const reportArn = reports[1]!.arn;
  await db
    .insertInto("codebuild_test_cases")
    .values(
      Array.from({ length: TEST_CASES }, (_, i) => ({
        report_arn: reportArn,
        seq: i,
        status: i % 3 === 0 ? "FAILED" : "SUCCEEDED",
        doc: JSON.stringify({
          name: i % 2 === 0 ? `adds ${i}` : `subtracts ${i}`,
          status: i % 3 === 0 ? "FAILED" : "SUCCEEDED",
          durationInNanoSeconds: 1,
        }),
      })),
    )
    .execute();
  return { projects, builds, groupArn, otherGroupArn, reports, reportArn };
}

/** Byte order, as both dialects compare names. */
/** Sorts by `keys` in turn, each ascending or descending. */
function sortBy<T>(items: readonly T[], ...keys: Array<[(item: T) => number | string, "asc" | "desc"]>): T[] {
  return [...items].sort((x, y) => {
    for (const [key, dir] of keys) {
      const a = key(x);
      const b = key(y);
      const c = typeof a === "number" ? a - (b as number) : bytewise(a, b as string);
      if (c !== 0) return dir === "asc" ? c : -c;
    }
    return 0;
  });
}

describe.each(dialects())("CodeBuild listings on %s read one page from an index", (dialect) => {
  const rec = recordQueries();
  let server: TestServer;
  let cb: CodeBuildClient;
  let seeded: Seeded;
  beforeAll(async () => {
    server = await startTestServer({ dialect, server: { onQuery: rec.onQuery } });
    cb = new CodeBuildClient(server.clientConfig);
    seeded = await seed(server, cb);
  });
  afterAll(async () => {
    cb?.destroy();
    await server?.stop();
  });

  async function expectIndexed(operation: string, fn: () => Promise<unknown>): Promise<void> {
    const queries = await rec.during(operation, fn);
    expect(queries.length).toBeGreaterThan(0);
    expect(await fullScans(server.store, queries)).toEqual([]);
  }

  it("ListBuilds, both orders, first and later pages", async () => {
    for (const sortOrder of ["ASCENDING", "DESCENDING", undefined] as const) {
      const first = await cb.send(new ListBuildsCommand({ sortOrder }));
      await expectIndexed("ListBuilds", () => cb.send(new ListBuildsCommand({ sortOrder })));
      await expectIndexed("ListBuilds", () =>
        cb.send(new ListBuildsCommand({ sortOrder, nextToken: first.nextToken })),
      );
    }
  });

  it("ListBuilds walks every build in start-time order, ties by id", async () => {
    for (const dir of ["asc", "desc"] as const) {
      const ids = await walkPages(async (nextToken) => {
        const r = await cb.send(
          new ListBuildsCommand({ sortOrder: dir === "asc" ? "ASCENDING" : "DESCENDING", nextToken }),
        );
        expect(r.ids!.length).toBeLessThanOrEqual(100);
        return { items: r.ids, nextToken: r.nextToken };
      });
      expect(ids).toEqual(sortBy(seeded.builds, [(b) => b.start, dir], [(b) => b.id, dir]).map((b) => b.id));
    }
  });

  it("ListBuildsForProject, both orders, first and later pages, every build in build-number order", async () => {
    const project = seeded.projects[0]!.name;
    for (const sortOrder of ["ASCENDING", "DESCENDING"] as const) {
      const first = await cb.send(new ListBuildsForProjectCommand({ projectName: project, sortOrder }));
      expect(first.ids).toHaveLength(100);
      await expectIndexed("ListBuildsForProject", () =>
        cb.send(new ListBuildsForProjectCommand({ projectName: project, sortOrder })),
      );
      await expectIndexed("ListBuildsForProject", () =>
        cb.send(
          new ListBuildsForProjectCommand({ projectName: project, sortOrder, nextToken: first.nextToken }),
        ),
      );
      const ids = await walkPages(async (nextToken) => {
        const r = await cb.send(
          new ListBuildsForProjectCommand({ projectName: project, sortOrder, nextToken }),
        );
        return { items: r.ids, nextToken: r.nextToken };
      });
      const dir = sortOrder === "ASCENDING" ? "asc" : "desc";
      const mine = seeded.builds.filter((b) => b.project === project);
      expect(ids).toEqual(sortBy(mine, [(b) => b.number, dir]).map((b) => b.id));
    }
  });

  it("ListProjects, by each key in both orders, pages through every project", async () => {
    const keys = {
      NAME: (p: Seeded["projects"][number]) => p.name,
      CREATED_TIME: (p: Seeded["projects"][number]) => p.created,
      LAST_MODIFIED_TIME: (p: Seeded["projects"][number]) => p.modified,
    };
    for (const sortBy_ of ["NAME", "CREATED_TIME", "LAST_MODIFIED_TIME"] as const) {
      for (const sortOrder of ["ASCENDING", "DESCENDING"] as const) {
        const input = { sortBy: sortBy_, sortOrder };
        const first = await cb.send(new ListProjectsCommand(input));
        await expectIndexed("ListProjects", () => cb.send(new ListProjectsCommand(input)));
        await expectIndexed("ListProjects", () =>
          cb.send(new ListProjectsCommand({ ...input, nextToken: first.nextToken })),
        );
        const names = await walkPages(async (nextToken) => {
          const r = await cb.send(new ListProjectsCommand({ ...input, nextToken }));
          return { items: r.projects, nextToken: r.nextToken };
        });
        const dir = sortOrder === "ASCENDING" ? "asc" : "desc";
        expect(names).toEqual(
          sortBy(seeded.projects, [keys[sortBy_], dir], [(p) => p.name, dir]).map((p) => p.name),
        );
      }
    }
  });

  it("ListReportGroups, by each key in both orders, two a page", async () => {
    for (const sortBy_ of ["NAME", "CREATED_TIME", "LAST_MODIFIED_TIME"] as const) {
      for (const sortOrder of ["ASCENDING", "DESCENDING"] as const) {
        const input = { sortBy: sortBy_, sortOrder, maxResults: 1 };
        const first = await cb.send(new ListReportGroupsCommand(input));
        expect(first.reportGroups).toHaveLength(1);
        await expectIndexed("ListReportGroups", () => cb.send(new ListReportGroupsCommand(input)));
        await expectIndexed("ListReportGroups", () =>
          cb.send(new ListReportGroupsCommand({ ...input, nextToken: first.nextToken })),
        );
        const arns = await walkPages(async (nextToken) => {
          const r = await cb.send(new ListReportGroupsCommand({ ...input, nextToken }));
          return { items: r.reportGroups, nextToken: r.nextToken };
        });
        expect(new Set(arns)).toEqual(new Set([seeded.groupArn, seeded.otherGroupArn]));
        expect(arns).toHaveLength(2);
        if (sortBy_ === "NAME") {
          const byName = [seeded.otherGroupArn, seeded.groupArn]; // "Lint" < "unit" byte-wise
          expect(arns).toEqual(sortOrder === "ASCENDING" ? byName : byName.reverse());
        }
      }
    }
  });

  it("ListReports and ListReportsForReportGroup, with and without a status filter, in creation order", async () => {
    for (const sortOrder of ["ASCENDING", "DESCENDING", undefined] as const) {
      for (const status of [undefined, "FAILED", "SUCCEEDED"] as const) {
        for (const group of [undefined, seeded.groupArn]) {
          const input = { sortOrder, maxResults: 2, ...(status ? { filter: { status } } : {}) };
          const operation = group ? "ListReportsForReportGroup" : "ListReports";
          const send = (nextToken?: string) =>
            group
              ? cb.send(new ListReportsForReportGroupCommand({ ...input, reportGroupArn: group, nextToken }))
              : cb.send(new ListReportsCommand({ ...input, nextToken }));
          const first = await send();
          await expectIndexed(operation, () => send());
          await expectIndexed(operation, () => send(first.nextToken));
          const arns = await walkPages(async (nextToken) => {
            const r = await send(nextToken);
            return { items: r.reports, nextToken: r.nextToken };
          });
          const wanted = seeded.reports.filter(
            (r) => (!status || r.status === status) && (!group || r.group === group),
          );
          // Newest first by default; ties in creation time by ARN, ascending, whichever the order.
          const dir = sortOrder === "ASCENDING" ? "asc" : "desc";
          expect(arns).toEqual(
            sortBy(wanted, [(r) => r.created, dir], [(r) => r.arn, "asc"]).map((r) => r.arn),
          );
        }
      }
    }
  });

  it("DescribeTestCases with no filter, a status filter and a keyword filter", async () => {
    for (const filter of [
      undefined,
      { status: "FAILED" },
      { keyword: "adds" },
      { status: "FAILED", keyword: "adds" },
    ]) {
      const input = { reportArn: seeded.reportArn, maxResults: 3, ...(filter ? { filter } : {}) };
      const first = await cb.send(new DescribeTestCasesCommand(input));
      await expectIndexed("DescribeTestCases", () => cb.send(new DescribeTestCasesCommand(input)));
      await expectIndexed("DescribeTestCases", () =>
        cb.send(new DescribeTestCasesCommand({ ...input, nextToken: first.nextToken })),
      );
      const names = await walkPages(async (nextToken) => {
        const r = await cb.send(new DescribeTestCasesCommand({ ...input, nextToken }));
        expect(r.testCases!.length).toBeLessThanOrEqual(3);
        return { items: r.testCases!.map((t) => t.name!), nextToken: r.nextToken };
      });
      const wanted = Array.from({ length: TEST_CASES }, (_, i) => ({
        name: i % 2 === 0 ? `adds ${i}` : `subtracts ${i}`,
        status: i % 3 === 0 ? "FAILED" : "SUCCEEDED",
      })).filter(
        (t) =>
          (!filter?.status || t.status === filter.status) &&
          (!filter?.keyword || t.name.includes(filter.keyword)),
      );
      expect(names).toEqual(wanted.map((t) => t.name));
    }
  });

  it("DescribeTestCases with a keyword looks at 1,000 cases a request and says where to resume", async () => {
    const { accountId, region } = server.config;
    const arn = `arn:aws:codebuild:${region}:${accountId}:report/unit:many`;
    await server.store.db
      .insertInto("codebuild_reports")
      .values({
        arn,
        report_group_arn: seeded.groupArn,
        account_id: accountId,
        region,
        build_id: seeded.builds[0]!.id,
        name: "unit",
        type: "TEST",
        status: "SUCCEEDED",
        summary: "{}",
        created_at: T0,
      })
      .execute();
    const cases = Array.from({ length: 1501 }, (_, i) => ({
      report_arn: arn,
      seq: i,
      status: "SUCCEEDED",
      doc: JSON.stringify({ name: i === 1500 ? "needle" : `hay ${i}`, status: "SUCCEEDED" }),
    }));
    for (let i = 0; i < cases.length; i += 200) {
      await server.store.db
        .insertInto("codebuild_test_cases")
        .values(cases.slice(i, i + 200))
        .execute();
    }
    const input = { reportArn: arn, filter: { keyword: "needle" } };
    const first = await cb.send(new DescribeTestCasesCommand(input));
    expect(first.testCases).toEqual([]);
    expect(first.nextToken).toBeDefined();
    const second = await cb.send(new DescribeTestCasesCommand({ ...input, nextToken: first.nextToken }));
    expect(second.testCases!.map((t) => t.name)).toEqual(["needle"]);
    expect(second.nextToken).toBeUndefined();
  });

  it("refuses an offset token from before with InvalidInputException", async () => {
    const project = seeded.projects[0]!.name;
    const forged: Array<[string, () => Promise<unknown>]> = [
      ["ListBuilds", () => cb.send(new ListBuildsCommand({ nextToken: encodePageToken("ListBuilds", 100) }))],
      [
        "ListBuildsForProject",
        () =>
          cb.send(
            new ListBuildsForProjectCommand({
              projectName: project,
              nextToken: encodePageToken(`ListBuildsForProject/${project}`, 100),
            }),
          ),
      ],
      [
        "ListProjects",
        () => cb.send(new ListProjectsCommand({ nextToken: encodePageToken("ListProjects", 100) })),
      ],
      [
        "ListReportGroups",
        () => cb.send(new ListReportGroupsCommand({ nextToken: encodePageToken("ListReportGroups", 1) })),
      ],
      [
        "ListReports",
        () => cb.send(new ListReportsCommand({ nextToken: encodePageToken("ListReports", 2) })),
      ],
      [
        "DescribeTestCases",
        () =>
          cb.send(
            new DescribeTestCasesCommand({
              reportArn: seeded.reportArn,
              nextToken: encodePageToken(`DescribeTestCases/${seeded.reportArn}`, 3),
            }),
          ),
      ],
      ["ListBuilds (garbage)", () => cb.send(new ListBuildsCommand({ nextToken: "not-a-token" }))],
    ];
    for (const [what, send] of forged) {
      await expect(send(), what).rejects.toMatchObject({ name: "InvalidInputException" });
    }
  });

  it("a token of one sort is refused by another", async () => {
    const first = await cb.send(new ListProjectsCommand({ sortBy: "CREATED_TIME" }));
    await expect(
      cb.send(new ListProjectsCommand({ sortBy: "NAME", nextToken: first.nextToken })),
    ).rejects.toMatchObject({ name: "InvalidInputException" });
  });
});
