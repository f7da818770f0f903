import type { Kysely } from "kysely";
import { newUuid } from "../../core/index.js";
import type { Database } from "../../platform/store/index.js";
import type { BuildJob, TestReportSubmission } from "../../runner/api.js";
import { reportArn, reportGroupArn } from "./arns.js";
import { docOf, loadBuild, writeBuild } from "./build-rows.js";
import type { CodeBuildRuntime } from "./deps.js";

/** Creates a report group unless it exists; returns its ARN. */
export async function ensureReportGroup(
  db: Kysely<Database>,
  scope: { accountId: string; region: string },
  name: string,
  now: number,
): Promise<string> {
  const arn = reportGroupArn(scope, name);
  await db
    .insertInto("codebuild_report_groups")
    .values({
      arn,
      account_id: scope.accountId,
      region: scope.region,
      name,
      type: "TEST",
      export_config: JSON.stringify({ exportConfigType: "NO_EXPORT" }),
      tags: "[]",
      created_at: now,
      last_modified_at: now,
    })
    .onConflict((oc) => oc.column("arn").doNothing())
    .execute();
  return arn;
}

/**
 * Stores a build's test reports. A buildspec report group that is not an ARN names the group
 * `<project>-<name>`, created on first use, as AWS does.
 */
export async function submitReports(
  rt: CodeBuildRuntime,
  job: BuildJob,
  reports: TestReportSubmission[],
): Promise<void> {
  const scope = { accountId: job.accountId, region: job.region };
  const now = rt.clock.now();
  await rt.store.transaction(async (trx) => {
    const arns: string[] = [];
    for (const report of reports) {
      const m = /^arn:[^:]+:codebuild:[^:]*:[^:]*:report-group\/(.+)$/.exec(report.reportGroup);
      const groupName = m ? m[1]! : `${job.projectName}-${report.reportGroup}`;
      const groupArn = await ensureReportGroup(trx, scope, groupName, now);
      const arn = reportArn(job, groupName, newUuid());
      const statusCounts: Record<string, number> = {};
      let duration = 0;
      for (const tc of report.testCases) {
        statusCounts[tc.status] = (statusCounts[tc.status] ?? 0) + 1;
        duration += tc.durationInNanoSeconds;
      }
      const failed = report.testCases.some((tc) => tc.status === "FAILED" || tc.status === "ERROR");
      await trx
        .insertInto("codebuild_reports")
        .values({
          arn,
          report_group_arn: groupArn,
          account_id: scope.accountId,
          region: scope.region,
          build_id: job.buildId,
          name: groupName,
          type: "TEST",
          status: failed ? "FAILED" : "SUCCEEDED",
          summary: JSON.stringify({
            total: report.testCases.length,
            statusCounts,
            durationInNanoSeconds: duration,
          }),
          created_at: now,
        })
        .execute();
      for (let i = 0; i < report.testCases.length; i += 200) {
        await trx
          .insertInto("codebuild_test_cases")
          .values(
            report.testCases.slice(i, i + 200).map((tc, j) => ({
              report_arn: arn,
              seq: i + j,
              status: tc.status,
              doc: JSON.stringify(tc),
            })),
          )
          .execute();
      }
      arns.push(arn);
    }
    const row = await loadBuild(trx, job.buildId);
    if (row && arns.length) {
      const doc = docOf(row);
      doc.reportArns = [...doc.reportArns, ...arns];
      await writeBuild(trx, row.id, { doc });
    }
  });
}
