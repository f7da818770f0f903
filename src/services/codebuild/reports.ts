import { sql, type SelectQueryBuilder } from "kysely";
import { z } from "zod";
import type { Database } from "../../platform/store/index.js";
import { awsEnum, awsInt, awsList, awsString, operation, type OperationContext } from "../kit/index.js";
import type { CodeBuildRuntime } from "./deps.js";
import { codebuildError } from "./errors.js";
import { byNameOrTime } from "./projects.js";
import {
  decodeAfter,
  keysetPage,
  pageOf,
  positionOf,
  tokenAfter,
  type Keyset,
  type KeyPosition,
} from "./pagination.js";
import { buildArn, reportGroupArn } from "./arns.js";
import { Tag } from "./shapes.js";

const ExportConfig = z.looseObject({
  exportConfigType: awsEnum(["S3", "NO_EXPORT"]).optional(),
  s3Destination: z.unknown().optional(),
});

/** CreateReportGroup. */
export function createReportGroup(rt: CodeBuildRuntime) {
  return operation({
    name: "CreateReportGroup",
    input: z.object({
      name: awsString(2, 128),
      type: awsEnum(["TEST", "CODE_COVERAGE"]),
      exportConfig: ExportConfig,
      tags: awsList(Tag, 0, 50).optional(),
    }),
    handler: async (input, ctx) => {
      const arn = reportGroupArn(ctx, input.name);
      const now = rt.clock.now();
      const row = await ctx.trx
        .insertInto("codebuild_report_groups")
        .values({
          arn,
          account_id: ctx.accountId,
          region: ctx.region,
          name: input.name,
          type: input.type,
          export_config: JSON.stringify(input.exportConfig),
          tags: JSON.stringify(input.tags ?? []),
          created_at: now,
          last_modified_at: now,
        })
        .onConflict((oc) => oc.column("arn").doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) throw codebuildError("ResourceAlreadyExistsException", `ReportGroup already exists: ${arn}`);
      return {
        reportGroup: {
          arn,
          name: row.name,
          type: row.type,
          exportConfig: JSON.parse(row.export_config) as unknown,
          created: new Date(row.created_at),
          lastModified: new Date(row.last_modified_at),
          tags: JSON.parse(row.tags) as unknown,
          status: "ACTIVE",
        },
      };
    },
  });
}

const Paging = { nextToken: z.string().optional(), maxResults: awsInt(1, 100).optional() };
const Sort = awsEnum(["ASCENDING", "DESCENDING"]).optional();

/** ListReportGroups: ARNs, by NAME (default), CREATED_TIME or LAST_MODIFIED_TIME, ties by name. */
export function listReportGroups() {
  return operation({
    name: "ListReportGroups",
    input: z.object({
      sortOrder: Sort,
      sortBy: awsEnum(["NAME", "CREATED_TIME", "LAST_MODIFIED_TIME"]).optional(),
      ...Paging,
    }),
    handler: async (input, ctx) => {
      const keyset = byNameOrTime("ListReportGroups", input.sortBy, input.sortOrder);
      const after = decodeAfter(keyset, input.nextToken);
      const limit = input.maxResults ?? 100;
      const query = ctx.trx
        .selectFrom("codebuild_report_groups")
        .select(["arn", "name", "created_at", "last_modified_at"])
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region);
      const { items, nextToken } = pageOf(
        keyset,
        await keysetPage(query, keyset, after, limit).execute(),
        limit,
      );
      return { reportGroups: items.map((r) => r.arn), ...(nextToken ? { nextToken } : {}) };
    },
  });
}

const ReportFilter = z
  .object({ status: awsEnum(["GENERATING", "SUCCEEDED", "FAILED", "INCOMPLETE", "DELETING"]).optional() })
  .optional();

interface ReportListingInput {
  sortOrder?: "ASCENDING" | "DESCENDING";
  filter?: { status?: string };
  nextToken?: string;
  maxResults?: number;
}

/**
 * One page of report ARNs, newest first unless ASCENDING, ties in creation time by ARN ascending
 * in either order (as before keyset pagination; the `arn desc` indexes serve the newest-first order).
 * `scope` is the account's reports, or one group's; the status filter is part of every index.
 */
async function listReportArns(
  ctx: OperationContext,
  scope: { listing: string; groupArn?: string },
  input: ReportListingInput,
): Promise<{ reports: string[]; nextToken?: string }> {
  const status = input.filter?.status;
  const desc = input.sortOrder !== "ASCENDING";
  const keyset: Keyset = {
    listing: `${scope.listing}/${desc ? "DESCENDING" : "ASCENDING"}/${status ?? ""}`,
    parts: [
      { column: "created_at", field: "t", type: "number", desc },
      { column: "arn", field: "a", type: "string", desc: false },
    ],
  };
  const after = decodeAfter(keyset, input.nextToken);
  const limit = input.maxResults ?? 100;
  let query = ctx.trx.selectFrom("codebuild_reports").select(["arn", "created_at"]);
  query =
    scope.groupArn !== undefined
      ? query.where("report_group_arn", "=", scope.groupArn)
      : query.where("account_id", "=", ctx.accountId).where("region", "=", ctx.region);
  if (status) query = query.where("status", "=", status);
  const { items, nextToken } = pageOf(keyset, await keysetPage(query, keyset, after, limit).execute(), limit);
  return { reports: items.map((r) => r.arn), ...(nextToken ? { nextToken } : {}) };
}

/** ListReports: the account's report ARNs, newest first by default. */
export function listReports() {
  return operation({
    name: "ListReports",
    input: z.object({ sortOrder: Sort, filter: ReportFilter, ...Paging }),
    handler: async (input, ctx) => {
      return await listReportArns(ctx, { listing: "ListReports" }, input);
    },
  });
}

/** ListReportsForReportGroup. */
export function listReportsForReportGroup() {
  return operation({
    name: "ListReportsForReportGroup",
    input: z.object({ reportGroupArn: awsString(1), sortOrder: Sort, filter: ReportFilter, ...Paging }),
    handler: async (input, ctx) => {
      const group = await ctx.trx
        .selectFrom("codebuild_report_groups")
        .select(["arn", "account_id", "region"])
        .where("arn", "=", input.reportGroupArn)
        .executeTakeFirst();
      if (!group)
        throw codebuildError("ResourceNotFoundException", `Report group not found: ${input.reportGroupArn}`);
      // Another account's group lists none of its reports to this caller.
      if (group.account_id !== ctx.accountId || group.region !== ctx.region) return { reports: [] };
      const listing = `ListReportsForReportGroup/${group.arn}`;
      return await listReportArns(ctx, { listing, groupArn: group.arn }, input);
    },
  });
}

/** BatchGetReports: with status and test summary (counts by status, total duration). */
export function batchGetReports() {
  return operation({
    name: "BatchGetReports",
    input: z.object({ reportArns: awsList(awsString(1), 1, 100) }),
    handler: async (input, ctx) => {
      const rows = await ctx.trx
        .selectFrom("codebuild_reports")
        .selectAll()
        .where("arn", "in", input.reportArns)
        .execute();
      const found = new Map(rows.map((r) => [r.arn, r]));
      return {
        reports: input.reportArns.flatMap((arn) => {
          const r = found.get(arn);
          if (!r) return [];
          return [
            {
              arn: r.arn,
              type: r.type,
              name: r.name,
              reportGroupArn: r.report_group_arn,
              executionId: buildArn(ctx, r.build_id),
              status: r.status,
              created: new Date(r.created_at),
              exportConfig: { exportConfigType: "NO_EXPORT" },
              truncated: false,
              testSummary: JSON.parse(r.summary) as unknown,
            },
          ];
        }),
        reportsNotFound: input.reportArns.filter((arn) => !found.has(arn)),
      };
    },
  });
}

/**
 * Test cases a DescribeTestCases request looks at, at most, when a keyword filters them: no index
 * finds a keyword, so a request that meets few matches returns a short (even empty) page with a
 * token that resumes after the last case it examined, as AWS does.
 */
const EXAMINED = 1000;

/** DescribeTestCases: a report's test cases in order, filtered by status or a keyword in the name. */
export function describeTestCases() {
  return operation({
    name: "DescribeTestCases",
    input: z.object({
      reportArn: z.string(),
      nextToken: z.string().optional(),
      maxResults: awsInt(1, 100).optional(),
      filter: z.object({ status: z.string().optional(), keyword: z.string().optional() }).optional(),
    }),
    handler: async (input, ctx) => {
      const report = await ctx.trx
        .selectFrom("codebuild_reports")
        .select("arn")
        .where("arn", "=", input.reportArn)
        .executeTakeFirst();
      if (!report) throw codebuildError("ResourceNotFoundException", `Report not found: ${input.reportArn}`);
      const { status, keyword } = input.filter ?? {};
      const keyset: Keyset = {
        listing: `DescribeTestCases/${report.arn}/${status ?? ""}/${keyword ?? ""}`,
        parts: [{ column: "seq", field: "s", type: "number", desc: false }],
      };
      const after = decodeAfter(keyset, input.nextToken);
      const limit = input.maxResults ?? 100;
      let query = ctx.trx.selectFrom("codebuild_test_cases").where("report_arn", "=", report.arn);
      if (status) query = query.where("status", "=", status);
      const page = keyword
        ? await casesMatching(keyset, query, after, limit, keyword)
        : pageOf(
            keyset,
            await keysetPage(query.select(["seq", "doc"]), keyset, after, limit).execute(),
            limit,
          );
      return {
        testCases: page.items.map((r) => {
          const tc = JSON.parse(r.doc) as { expired?: number } & Record<string, unknown>;
          return {
            ...tc,
            reportArn: report.arn,
            ...(tc.expired !== undefined ? { expired: new Date(tc.expired) } : {}),
          };
        }),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    },
  });
}

type CasesQuery = SelectQueryBuilder<Database, "codebuild_test_cases", object>;

/**
 * Up to `limit` cases whose document contains `keyword`, among the next {@link EXAMINED} cases
 * after `after`. Only matches carry their document back.
 */
async function casesMatching(
  keyset: Keyset,
  query: CasesQuery,
  after: KeyPosition | undefined,
  limit: number,
  keyword: string,
): Promise<{ items: Array<{ seq: number; doc: string }>; nextToken?: string }> {
  const rows = await keysetPage(
    query.select(["seq", sql<string | null>`case when doc like ${`%${keyword}%`} then doc end`.as("doc")]),
    keyset,
    after,
    EXAMINED,
  ).execute();
  const examined = rows.slice(0, EXAMINED);
  const items: Array<{ seq: number; doc: string }> = [];
  for (const row of examined) {
    if (row.doc === null) continue;
    if (items.length === limit) {
      return { items, nextToken: tokenAfter(keyset, positionOf(keyset, items[items.length - 1]!)) };
    }
    items.push({ seq: row.seq, doc: row.doc });
  }
  const last = examined[examined.length - 1];
  return rows.length > EXAMINED && last
    ? { items, nextToken: tokenAfter(keyset, positionOf(keyset, last)) }
    : { items };
}
