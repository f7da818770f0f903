import type { Generated } from "kysely";

/** CodeCommit pull requests (`services/codecommit`): events, comments, approval rules and approvals. */
export interface CodeCommitPullRequestTables {
  /** The last pull request number handed out per account and region (AWS numbers them there, from 1). */
  codecommit_pull_request_counters: {
    account_id: string;
    region: string;
    last_id: number;
  };
  codecommit_pull_requests: {
    account_id: string;
    region: string;
    /** The number as a string, as AWS returns it (`"42"`). */
    pull_request_id: string;
    /** The same number, for ordering. */
    number: number;
    repository_id: string;
    title: string;
    description: string | null;
    /** `OPEN` or `CLOSED`. */
    status: string;
    author_arn: string;
    client_request_token: string | null;
    /** Hash of the request a client request token was first used with (idempotency). */
    request_fingerprint: string | null;
    /** Changes whenever the source branch moves; approvals and overrides belong to one revision. */
    revision_id: string;
    /** `refs/heads/<branch>`. */
    source_ref: string;
    destination_ref: string;
    source_commit: string;
    destination_commit: string;
    merge_base: string | null;
    is_merged: number;
    merged_by: string | null;
    merge_commit_id: string | null;
    /** `FAST_FORWARD_MERGE`, `SQUASH_MERGE` or `THREE_WAY_MERGE`; null when merged outside the API. */
    merge_option: string | null;
    created_at: number;
    last_activity_at: number;
  };
  /** What DescribePullRequestEvents returns. */
  codecommit_pull_request_events: {
    seq: Generated<number>;
    account_id: string;
    region: string;
    pull_request_id: string;
    /** `PULL_REQUEST_CREATED`, `PULL_REQUEST_STATUS_CHANGED`, … */
    event_type: string;
    actor_arn: string | null;
    /** JSON of the event's metadata member, e.g. `{"pullRequestCreatedEventMetadata": {…}}`. */
    metadata: string;
    event_date: number;
  };
  /** Comments and replies on pull requests. */
  codecommit_comments: {
    /** A UUID. */
    comment_id: string;
    /** Creation order (epoch ms and a counter would tie); the creation time in microseconds. */
    seq: number;
    account_id: string;
    region: string;
    repository_id: string;
    pull_request_id: string | null;
    before_commit_id: string;
    after_commit_id: string;
    before_blob_id: string | null;
    after_blob_id: string | null;
    /** JSON `Location` or null for a comment on the whole pull request. */
    location: string | null;
    in_reply_to: string | null;
    content: string;
    /** 1 after DeleteCommentContent. */
    deleted: number;
    author_arn: string;
    client_request_token: string | null;
    request_fingerprint: string | null;
    created_at: number;
    last_modified_at: number;
  };
  codecommit_approval_rules: {
    approval_rule_id: string;
    account_id: string;
    region: string;
    pull_request_id: string;
    name: string;
    /** The rule's JSON exactly as given. */
    content: string;
    content_sha256: string;
    last_modified_user: string;
    created_at: number;
    last_modified_at: number;
  };
  /** One row per user who approved one revision; REVOKE deletes it. */
  codecommit_approvals: {
    account_id: string;
    region: string;
    pull_request_id: string;
    revision_id: string;
    user_arn: string;
    approved_at: number;
  };
  /** A revision whose approval rules were overridden, and by whom. */
  codecommit_approval_overrides: {
    account_id: string;
    region: string;
    pull_request_id: string;
    revision_id: string;
    overrider_arn: string;
    overridden_at: number;
  };
  /** Repository events the pull request subscriber has already applied (it may see one twice). */
  codecommit_pull_request_handled_events: {
    event_id: string;
    handled_at: number;
  };
}
