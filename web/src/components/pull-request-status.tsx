// A pull request's status as the CodeCommit console words it (Open, Closed, Merged), and the
// short form of the ARNs that name its author, approvers and commenters.
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import type { PullRequest } from "../services/pull-requests";

export function isMerged(pr: PullRequest): boolean {
  return (pr.pullRequestTargets ?? []).some((t) => t.mergeMetadata?.isMerged);
}

export function PullRequestStatusIndicator({ pullRequest }: { pullRequest: PullRequest }) {
  if (isMerged(pullRequest)) return <StatusIndicator type="success">Merged</StatusIndicator>;
  if (pullRequest.pullRequestStatus === "CLOSED")
    return <StatusIndicator type="stopped">Closed</StatusIndicator>;
  return <StatusIndicator type="info">Open</StatusIndicator>;
}

/** "user/alice" or "root" from an IAM ARN; anything else as it is. */
export function shortArn(arn: string | undefined): string {
  if (!arn) return "-";
  const match = /^arn:[^:]+:(?:iam|sts)::\d+:(.+)$/.exec(arn);
  return match ? match[1]! : arn;
}

/** A branch reference without its "refs/heads/" prefix. */
export function branchName(ref: string | undefined): string {
  return ref ? ref.replace(/^refs\/heads\//, "") : "-";
}
