import { sql, type Kysely } from "kysely";
import type { DialectName } from "../dialect.js";
import { addIndex, byteOrdered, type Migration } from "./types.js";

/**
 * Indexes that let CodeBuild's and CloudWatch Logs' listings read one page in the order they
 * return it (keyset pagination), instead of sorting a whole account's rows and skipping an offset.
 */
export const codebuildLogsListingsMigration: Migration = {
  name: "0027-codebuild-logs-listings",
  async up(db, dialect) {
    await codebuildListings(db, dialect);
    await logsListings(db, dialect);
  },
};

async function codebuildListings(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await byteOrdered(db, dialect, "codebuild_projects", ["name"]);
  await byteOrdered(db, dialect, "codebuild_builds", ["id"]);
  await byteOrdered(db, dialect, "codebuild_report_groups", ["name"]);
  await byteOrdered(db, dialect, "codebuild_test_cases", ["report_arn"]);
  await byteOrdered(db, dialect, "codebuild_reports", ["arn", "report_group_arn"]);
  // ListProjects by NAME reads the primary key; by time, these.
  await addIndex(db, "codebuild_projects_created", "codebuild_projects", [
    "account_id",
    "region",
    "created_at",
    "name",
  ]);
  await addIndex(db, "codebuild_projects_modified", "codebuild_projects", [
    "account_id",
    "region",
    "last_modified_at",
    "name",
  ]);
  // ListBuilds: (start_time, id) in either direction. ListBuildsForProject: build numbers.
  await addIndex(db, "codebuild_builds_started", "codebuild_builds", [
    "account_id",
    "region",
    "start_time",
    "id",
  ]);
  await addIndex(db, "codebuild_builds_number", "codebuild_builds", [
    "account_id",
    "region",
    "project_name",
    "build_number",
  ]);
  await addIndex(db, "codebuild_report_groups_created", "codebuild_report_groups", [
    "account_id",
    "region",
    "created_at",
    "name",
  ]);
  await addIndex(db, "codebuild_report_groups_modified", "codebuild_report_groups", [
    "account_id",
    "region",
    "last_modified_at",
    "name",
  ]);
  await reportsByAccount(db);
  await testCasesByStatus(db);
}

/**
 * Reports carry their group's account and region, so that ListReports reads one account's reports
 * in creation order from an index instead of joining every report to its group. Reports list ties
 * in creation time by ARN ascending in both orders: the `arn desc` indexes, read backwards, give
 * (created_at desc, arn asc); the others give (created_at asc, arn asc).
 */
async function reportsByAccount(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("codebuild_reports")
    .addColumn("account_id", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema
    .alterTable("codebuild_reports")
    .addColumn("region", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await sql`update codebuild_reports set
      account_id = (select g.account_id from codebuild_report_groups g where g.arn = codebuild_reports.report_group_arn),
      region = (select g.region from codebuild_report_groups g where g.arn = codebuild_reports.report_group_arn)`.execute(
    db,
  );
  for (const [suffix, last] of [
    ["asc", "arn"],
    ["desc", "arn desc"],
  ] as const) {
    await addIndex(db, `codebuild_reports_account_${suffix}`, "codebuild_reports", [
      "account_id",
      "region",
      "created_at",
      last,
    ]);
    await addIndex(db, `codebuild_reports_account_status_${suffix}`, "codebuild_reports", [
      "account_id",
      "region",
      "status",
      "created_at",
      last,
    ]);
    await addIndex(db, `codebuild_reports_group_${suffix}`, "codebuild_reports", [
      "report_group_arn",
      "created_at",
      last,
    ]);
    await addIndex(db, `codebuild_reports_group_status_${suffix}`, "codebuild_reports", [
      "report_group_arn",
      "status",
      "created_at",
      last,
    ]);
  }
}

/** DescribeTestCases filtered by status reads that status's cases in order. */
async function testCasesByStatus(db: Kysely<unknown>): Promise<void> {
  await addIndex(db, "codebuild_test_cases_status", "codebuild_test_cases", ["report_arn", "status", "seq"]);
}

async function logsListings(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await byteOrdered(db, dialect, "logs_groups", ["name"]);
  await byteOrdered(db, dialect, "logs_streams", ["group_name", "name"]);
  await groupTotals(db);
  // DescribeLogStreams by LastEventTime: streams without events sort first (as SQLite always
  // sorted NULLs), on both dialects, through one expression both index and query use.
  await sql`create index logs_streams_last_event on logs_streams
    (account_id, region, group_name, (coalesce(last_event_at, -1)), name)`.execute(db);
  await chunksByGroup(db);
}

/**
 * Each group keeps its streams' stored bytes (DescribeLogGroups answers without summing every
 * stream of every group on the page) and the longest time any of its chunks spans, first to last
 * line: a read from `startTime` seeks the chunk time index to `startTime − span`, the earliest a
 * chunk holding a line at `startTime` can begin.
 */
async function groupTotals(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("logs_groups")
    .addColumn("stored_bytes", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("logs_groups")
    .addColumn("max_chunk_span", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update logs_groups set stored_bytes = coalesce((select sum(s.stored_bytes) from logs_streams s
      where s.account_id = logs_groups.account_id and s.region = logs_groups.region
        and s.group_name = logs_groups.name), 0)`.execute(db);
}

/**
 * Chunks carry their stream's account, region and group, so that FilterLogEvents reads one group's
 * chunks in time order from an index instead of every group's.
 */
async function chunksByGroup(db: Kysely<unknown>): Promise<void> {
  for (const column of ["account_id", "region", "group_name"]) {
    await db.schema
      .alterTable("logs_chunks")
      .addColumn(column, "text", (c) => c.notNull().defaultTo(""))
      .execute();
  }
  await sql`update logs_chunks set
      account_id = (select s.account_id from logs_streams s where s.id = logs_chunks.stream_id),
      region = (select s.region from logs_streams s where s.id = logs_chunks.stream_id),
      group_name = (select s.group_name from logs_streams s where s.id = logs_chunks.stream_id)`.execute(db);
  await sql`update logs_groups set max_chunk_span = coalesce((select max(c.last_timestamp - c.first_timestamp)
      from logs_chunks c where c.account_id = logs_groups.account_id and c.region = logs_groups.region
        and c.group_name = logs_groups.name), 0)`.execute(db);
  await addIndex(db, "logs_chunks_group_time", "logs_chunks", [
    "account_id",
    "region",
    "group_name",
    "first_timestamp",
    "stream_id",
    "first_seq",
  ]);
  // Only FilterLogEvents read chunks across streams by time, and it now reads them by group.
  await db.schema.dropIndex("logs_chunks_time").execute();
}
