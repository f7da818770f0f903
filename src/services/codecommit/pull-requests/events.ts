import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { repositoryArn, type RepositoryRow } from "../repositories/rows.js";
import type { PullRequestRow } from "./rows.js";

export const PULL_REQUEST_STATE_CHANGE = "CodeCommit Pull Request State Change";

/** DescribePullRequestEvents' event types, each with the metadata member AWS fills for it. */
export const PULL_REQUEST_EVENT_TYPES = {
  PULL_REQUEST_CREATED: "pullRequestCreatedEventMetadata",
  PULL_REQUEST_STATUS_CHANGED: "pullRequestStatusChangedEventMetadata",
  PULL_REQUEST_SOURCE_REFERENCE_UPDATED: "pullRequestSourceReferenceUpdatedEventMetadata",
  PULL_REQUEST_MERGE_STATE_CHANGED: "pullRequestMergedStateChangedEventMetadata",
  PULL_REQUEST_APPROVAL_RULE_CREATED: "approvalRuleEventMetadata",
  PULL_REQUEST_APPROVAL_RULE_UPDATED: "approvalRuleEventMetadata",
  PULL_REQUEST_APPROVAL_RULE_DELETED: "approvalRuleEventMetadata",
  PULL_REQUEST_APPROVAL_RULE_OVERRIDDEN: "approvalRuleOverriddenEventMetadata",
  PULL_REQUEST_APPROVAL_STATE_CHANGED: "approvalStateChangedEventMetadata",
} as const;

export type PullRequestEventType = keyof typeof PULL_REQUEST_EVENT_TYPES;

/** The bus event names of "CodeCommit Pull Request State Change" ("Monitoring CodeCommit events"). */
export type PullRequestBusEvent =
  | "pullRequestCreated"
  | "pullRequestStatusChanged"
  | "pullRequestSourceBranchUpdated"
  | "pullRequestMergeStatusUpdated"
  | "pullRequestApprovalRuleCreated"
  | "pullRequestApprovalRuleUpdated"
  | "pullRequestApprovalRuleDeleted"
  | "pullRequestApprovalRuleOverridden"
  | "pullRequestApprovalStateChanged";

/** The dates of event details, as the user guide's examples write them: `Thu, 03 Oct 2019 15:18:25 UTC`. */
export function eventDate(epochMs: number): string {
  return new Date(epochMs).toUTCString().replace(/GMT$/, "UTC");
}

/**
 * Records one pull request event, both for DescribePullRequestEvents (its history) and on the bus
 * as "CodeCommit Pull Request State Change", in `trx`. `pr` is the pull request after the change.
 */
export async function recordPullRequestEvent(
  rt: CodeCommitRuntime,
  trx: Kysely<Database>,
  repo: RepositoryRow,
  pr: PullRequestRow,
  change: {
    type: PullRequestEventType;
    busEvent: PullRequestBusEvent;
    actorArn: string | undefined;
    metadata: Record<string, unknown>;
    /** Fields the bus event adds to the pull request's (`approvalRuleName`, `approvalStatus`…). */
    detail?: Record<string, unknown>;
    /** What the notification says happened. */
    summary: string;
  },
): Promise<void> {
  const now = rt.clock.now();
  await trx
    .insertInto("codecommit_pull_request_events")
    .values({
      account_id: pr.account_id,
      region: pr.region,
      pull_request_id: pr.pull_request_id,
      event_type: change.type,
      actor_arn: change.actorArn ?? null,
      metadata: JSON.stringify({ [PULL_REQUEST_EVENT_TYPES[change.type]]: change.metadata }),
      event_date: now,
    })
    .execute();
  await rt.bus.emit(trx, {
    source: "aws.codecommit",
    detailType: PULL_REQUEST_STATE_CHANGE,
    account: pr.account_id,
    region: pr.region,
    resources: [repositoryArn({ accountId: repo.account_id, region: repo.region }, repo.name)],
    detail: {
      author: pr.author_arn,
      ...(change.actorArn !== undefined ? { callerUserArn: change.actorArn } : {}),
      creationDate: eventDate(Number(pr.created_at)),
      ...(pr.description !== null ? { description: pr.description } : {}),
      destinationCommit: pr.destination_commit,
      destinationReference: pr.destination_ref,
      event: change.busEvent,
      isMerged: pr.is_merged === 1 ? "True" : "False",
      lastModifiedDate: eventDate(Number(pr.last_activity_at)),
      notificationBody: notificationBody(repo, pr, change.actorArn, change.summary),
      pullRequestId: pr.pull_request_id,
      pullRequestStatus: pr.status === "OPEN" ? "Open" : "Closed",
      repositoryNames: [repo.name],
      revisionId: pr.revision_id,
      sourceCommit: pr.source_commit,
      sourceReference: pr.source_ref,
      title: pr.title,
      ...(pr.merge_base !== null ? { mergeBase: pr.merge_base } : {}),
      ...change.detail,
    },
  });
}

function notificationBody(
  repo: RepositoryRow,
  pr: PullRequestRow,
  actorArn: string | undefined,
  summary: string,
): string {
  return (
    `A pull request event occurred in the following AWS CodeCommit repository: ${repo.name}. ` +
    `User: ${actorArn ?? "unknown"}. Event: ${summary}. Pull request name: ${pr.pull_request_id}. ` +
    `Additional information: ${summary} (pull request ${pr.pull_request_id}, "${pr.title}").`
  );
}
