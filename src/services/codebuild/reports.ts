import { z } from "zod";
import { awsEnum, awsInt, awsList, awsString, operation, type OperationContext } from "../kit/index.js";
import type { CodeBuildRuntime } from "./deps.js";
import { codebuildError } from "./errors.js";
import { decodePage, encodePage } from "./pagination.js";
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

/** ListReportGroups: ARNs. */
export function listReportGroups() {
  return operation({
    name: "ListReportGroups",
    input: z.object({
      sortOrder: Sort,
      sortBy: awsEnum(["NAME", "CREATED_TIME", "LAST_MODIFIED_TIME"]).optional(),
      ...Paging,
    }),
    handler: async (input, ctx) => {
      const offset = decodePage("ListReportGroups", input.nextToken);
      const limit = input.maxResults ?? 100;
      const column = (
        { NAME: "name", CREATED_TIME: "created_at", LAST_MODIFIED_TIME: "last_modified_at" } as const
      )[input.sortBy ?? "NAME"];
      const rows = await ctx.trx
        .selectFrom("codebuild_report_groups")
        .select("arn")
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .orderBy(column, input.sortOrder === "DESCENDING" ? "desc" : "asc")
        .limit(limit + 1)
        .offset(offset)
        .execute();
      return {
        reportGroups: rows.slice(0, limit).map((r) => r.arn),
        ...next("ListReportGroups", rows.length > limit, offset + limit),
      };
    },
  });
}

function next(listing: string, more: boolean, offset: number) {
  return more ? { nextToken: encodePage(listing, offset) } : {};
}

function reportsQuery(ctx: OperationContext) {
  return ctx.trx
    .selectFrom("codebuild_reports as r")
    .innerJoin("codebuild_report_groups as g", "g.arn", "r.report_group_arn")
    .select("r.arn")
    .where("g.account_id", "=", ctx.accountId)
    .where("g.region", "=", ctx.region);
}

const ReportFilter = z
  .object({ status: awsEnum(["GENERATING", "SUCCEEDED", "FAILED", "INCOMPLETE", "DELETING"]).optional() })
  .optional();

/** One page of report ARNs from `query`, filtered by status and sorted by creation time. */
async function listReportArns(
  listing: string,
  query: ReturnType<typeof reportsQuery>,
  input: {
    sortOrder?: "ASCENDING" | "DESCENDING";
    filter?: { status?: string };
    nextToken?: string;
    maxResults?: number;
  },
): Promise<{ reports: string[]; nextToken?: string }> {
  const offset = decodePage(listing, input.nextToken);
  const limit = input.maxResults ?? 100;
  const filtered = input.filter?.status ? query.where("r.status", "=", input.filter.status) : query;
  const rows = await filtered
    .orderBy("r.created_at", input.sortOrder === "ASCENDING" ? "asc" : "desc")
    .orderBy("r.arn")
    .limit(limit + 1)
    .offset(offset)
    .execute();
  return {
    reports: rows.slice(0, limit).map((r) => r.arn),
    ...next(listing, rows.length > limit, offset + limit),
  };
}

/** ListReports: report ARNs, newest first by default. */
export function listReports() {
  return operation({
    name: "ListReports",
    input: z.object({ sortOrder: Sort, filter: ReportFilter, ...Paging }),
    handler: async (input, ctx) => {
      return await listReportArns("ListReports", reportsQuery(ctx), input);
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
        .select("arn")
        .where("arn", "=", input.reportGroupArn)
        .executeTakeFirst();
      if (!group)
        throw codebuildError("ResourceNotFoundException", `Report group not found: ${input.reportGroupArn}`);
      return await listReportArns(
        `ListReportsForReportGroup/${group.arn}`,
        reportsQuery(ctx).where("r.report_group_arn", "=", group.arn),
        input,
      );
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

/** DescribeTestCases: a report's test cases, filtered by status or a keyword in the name. */
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
      const listing = `DescribeTestCases/${report.arn}`;
      const offset = decodePage(listing, input.nextToken);
      const limit = input.maxResults ?? 100;
      let q = ctx.trx.selectFrom("codebuild_test_cases").select("doc").where("report_arn", "=", report.arn);
      if (input.filter?.status) q = q.where("status", "=", input.filter.status);
      if (input.filter?.keyword) q = q.where("doc", "like", `%${input.filter.keyword}%`);
      const rows = await q
        .orderBy("seq")
        .limit(limit + 1)
        .offset(offset)
        .execute();
      return {
        testCases: rows.slice(0, limit).map((r) => {
          const tc = JSON.parse(r.doc) as { expired?: number } & Record<string, unknown>;
          return {
            ...tc,
            reportArn: report.arn,
            ...(tc.expired !== undefined ? { expired: new Date(tc.expired) } : {}),
          };
        }),
        ...next(listing, rows.length > limit, offset + limit),
      };
    },
  });
}
