// Typed wrappers for CodeCommit's pull request operations: pull requests, their comments, approvals
// and merges, and the branch, difference and blob reads their pages need. Shapes follow the AWS API
// reference; only the fields the console reads are declared. Timestamps arrive as epoch seconds.
import { AwsError, callAws } from "../api";

const CC = "CodeCommit_20150413";

export type PullRequestStatus = "OPEN" | "CLOSED";
export type MergeOption = "FAST_FORWARD_MERGE" | "SQUASH_MERGE" | "THREE_WAY_MERGE";

export interface MergeMetadata {
  isMerged?: boolean;
  mergedBy?: string;
  mergeCommitId?: string;
  mergeOption?: MergeOption;
}

export interface PullRequestTarget {
  repositoryName?: string;
  sourceReference?: string;
  destinationReference?: string;
  destinationCommit?: string;
  sourceCommit?: string;
  mergeBase?: string;
  mergeMetadata?: MergeMetadata;
}

export interface ApprovalRule {
  approvalRuleId?: string;
  approvalRuleName?: string;
  approvalRuleContent?: string;
  lastModifiedDate?: number;
  lastModifiedUser?: string;
  originApprovalRuleTemplate?: { approvalRuleTemplateName?: string };
}

export interface PullRequest {
  pullRequestId: string;
  title?: string;
  description?: string;
  lastActivityDate?: number;
  creationDate?: number;
  pullRequestStatus?: PullRequestStatus;
  authorArn?: string;
  pullRequestTargets?: PullRequestTarget[];
  revisionId?: string;
  approvalRules?: ApprovalRule[];
}

export async function listPullRequests(input: {
  repositoryName: string;
  pullRequestStatus?: PullRequestStatus;
  nextToken?: string;
}): Promise<{ pullRequestIds?: string[]; nextToken?: string }> {
  return callAws(`${CC}.ListPullRequests`, input);
}

export async function getPullRequest(pullRequestId: string): Promise<PullRequest> {
  const { pullRequest } = await callAws<{ pullRequest: PullRequest }>(`${CC}.GetPullRequest`, {
    pullRequestId,
  });
  return pullRequest;
}

export async function createPullRequest(input: {
  title: string;
  description?: string;
  targets: { repositoryName: string; sourceReference: string; destinationReference?: string }[];
}): Promise<PullRequest> {
  const { pullRequest } = await callAws<{ pullRequest: PullRequest }>(`${CC}.CreatePullRequest`, {
    ...input,
    clientRequestToken: requestToken(),
  });
  return pullRequest;
}

export async function updatePullRequestStatus(
  pullRequestId: string,
  pullRequestStatus: PullRequestStatus,
): Promise<PullRequest> {
  const { pullRequest } = await callAws<{ pullRequest: PullRequest }>(`${CC}.UpdatePullRequestStatus`, {
    pullRequestId,
    pullRequestStatus,
  });
  return pullRequest;
}

/** GetFile's content at a commit, as bytes; undefined when the file is not there. */
export async function getFileAt(
  repositoryName: string,
  commitSpecifier: string,
  filePath: string,
): Promise<Uint8Array | undefined> {
  try {
    const { fileContent } = await callAws<{ fileContent: string }>(`${CC}.GetFile`, {
      repositoryName,
      commitSpecifier,
      filePath,
    });
    return Uint8Array.from(atob(fileContent), (c) => c.charCodeAt(0));
  } catch (error) {
    if (error instanceof AwsError && error.code === "FileDoesNotExistException") {
      return undefined;
    }
    throw error;
  }
}

interface TwoCommits {
  repositoryName: string;
  sourceCommitSpecifier: string;
  destinationCommitSpecifier: string;
}

export async function getMergeOptions(input: TwoCommits): Promise<{
  mergeOptions?: MergeOption[];
  sourceCommitId?: string;
  destinationCommitId?: string;
  baseCommitId?: string;
}> {
  return callAws(`${CC}.GetMergeOptions`, input);
}

export interface ConflictMetadata {
  filePath?: string;
  numberOfConflicts?: number;
  isBinaryFile?: { source?: boolean; destination?: boolean; base?: boolean };
  contentConflict?: boolean;
  fileModeConflict?: boolean;
  objectTypeConflict?: boolean;
  mergeOperations?: { source?: string; destination?: string };
}

export interface MergeConflicts {
  mergeable?: boolean;
  destinationCommitId?: string;
  sourceCommitId?: string;
  baseCommitId?: string;
  conflictMetadataList?: ConflictMetadata[];
}

export async function getMergeConflicts(
  input: TwoCommits & { mergeOption: MergeOption },
): Promise<MergeConflicts> {
  return callAws(`${CC}.GetMergeConflicts`, input);
}

export interface MergeInput {
  pullRequestId: string;
  repositoryName: string;
  sourceCommitId?: string;
  commitMessage?: string;
  authorName?: string;
  email?: string;
}

const MERGE_OPERATIONS: Record<MergeOption, string> = {
  FAST_FORWARD_MERGE: "MergePullRequestByFastForward",
  SQUASH_MERGE: "MergePullRequestBySquash",
  THREE_WAY_MERGE: "MergePullRequestByThreeWay",
};

/** MergePullRequestByFastForward, BySquash or ByThreeWay (the first takes no commit details). */
export async function mergePullRequest(option: MergeOption, input: MergeInput): Promise<PullRequest> {
  const body =
    option === "FAST_FORWARD_MERGE"
      ? {
          pullRequestId: input.pullRequestId,
          repositoryName: input.repositoryName,
          ...(input.sourceCommitId && { sourceCommitId: input.sourceCommitId }),
        }
      : Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== ""));
  const { pullRequest } = await callAws<{ pullRequest: PullRequest }>(
    `${CC}.${MERGE_OPERATIONS[option]}`,
    body,
  );
  return pullRequest;
}

export interface Comment {
  commentId?: string;
  content?: string;
  inReplyTo?: string;
  creationDate?: number;
  authorArn?: string;
  deleted?: boolean;
}

export interface CommentsForPullRequest {
  beforeCommitId?: string;
  afterCommitId?: string;
  location?: { filePath?: string; filePosition?: number; relativeFileVersion?: "BEFORE" | "AFTER" };
  comments?: Comment[];
}

/** Every comment thread of a pull request, GetCommentsForPullRequest page by page. */
export async function getAllCommentsForPullRequest(pullRequestId: string): Promise<CommentsForPullRequest[]> {
  const threads: CommentsForPullRequest[] = [];
  let nextToken: string | undefined;
  do {
    const page = await callAws<{ commentsForPullRequestData?: CommentsForPullRequest[]; nextToken?: string }>(
      `${CC}.GetCommentsForPullRequest`,
      { pullRequestId, ...(nextToken && { nextToken }) },
    );
    threads.push(...(page.commentsForPullRequestData ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return threads;
}

export async function postCommentForPullRequest(input: {
  pullRequestId: string;
  repositoryName: string;
  beforeCommitId: string;
  afterCommitId: string;
  content: string;
  clientRequestToken: string;
}): Promise<{ comment?: Comment }> {
  return callAws(`${CC}.PostCommentForPullRequest`, input);
}

/** A reply to a comment: it joins that comment's thread, at the same commits and line. */
export async function postCommentReply(input: {
  inReplyTo: string;
  content: string;
  clientRequestToken: string;
}): Promise<{ comment?: Comment }> {
  return callAws(`${CC}.PostCommentReply`, input);
}

export interface Approval {
  userArn?: string;
  approvalState?: "APPROVE" | "REVOKE";
}

export async function getPullRequestApprovalStates(
  pullRequestId: string,
  revisionId: string,
): Promise<Approval[]> {
  const { approvals } = await callAws<{ approvals?: Approval[] }>(`${CC}.GetPullRequestApprovalStates`, {
    pullRequestId,
    revisionId,
  });
  return approvals ?? [];
}

export interface Evaluation {
  approved?: boolean;
  overridden?: boolean;
  approvalRulesSatisfied?: string[];
  approvalRulesNotSatisfied?: string[];
}

export async function evaluatePullRequestApprovalRules(
  pullRequestId: string,
  revisionId: string,
): Promise<Evaluation> {
  const { evaluation } = await callAws<{ evaluation?: Evaluation }>(
    `${CC}.EvaluatePullRequestApprovalRules`,
    { pullRequestId, revisionId },
  );
  return evaluation ?? {};
}

export async function updatePullRequestApprovalState(input: {
  pullRequestId: string;
  revisionId: string;
  approvalState: "APPROVE" | "REVOKE";
}): Promise<void> {
  await callAws(`${CC}.UpdatePullRequestApprovalState`, input);
}

export async function createPullRequestApprovalRule(input: {
  pullRequestId: string;
  approvalRuleName: string;
  approvalRuleContent: string;
}): Promise<{ approvalRule?: ApprovalRule }> {
  return callAws(`${CC}.CreatePullRequestApprovalRule`, input);
}

export async function deletePullRequestApprovalRule(input: {
  pullRequestId: string;
  approvalRuleName: string;
}): Promise<void> {
  await callAws(`${CC}.DeletePullRequestApprovalRule`, input);
}

/** A client request token (idempotency token); getRandomValues works outside secure contexts too. */
export function requestToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
