import { serialType, type Migration } from "./types.js";

/**
 * CodeCommit pull requests, their events, comments, approval rules, approvals and overrides. A pull
 * request is named by `(account_id, region, pull_request_id)`: AWS numbers them per account and
 * region, not per repository.
 */
export const codecommitPullRequestsMigration: Migration = {
  name: "0009-codecommit-pull-requests",
  async up(db, dialect) {
    await db.schema
      .createTable("codecommit_pull_request_counters")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("last_id", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codecommit_pull_request_counters_pk", ["account_id", "region"])
      .execute();
    await db.schema
      .createTable("codecommit_pull_requests")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("pull_request_id", "text", (c) => c.notNull())
      .addColumn("number", "bigint", (c) => c.notNull())
      .addColumn("repository_id", "text", (c) =>
        c.notNull().references("codecommit_repositories.repository_id").onDelete("cascade"),
      )
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("description", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("author_arn", "text", (c) => c.notNull())
      .addColumn("client_request_token", "text")
      .addColumn("request_fingerprint", "text")
      .addColumn("revision_id", "text", (c) => c.notNull())
      .addColumn("source_ref", "text", (c) => c.notNull())
      .addColumn("destination_ref", "text", (c) => c.notNull())
      .addColumn("source_commit", "text", (c) => c.notNull())
      .addColumn("destination_commit", "text", (c) => c.notNull())
      .addColumn("merge_base", "text")
      .addColumn("is_merged", "integer", (c) => c.notNull())
      .addColumn("merged_by", "text")
      .addColumn("merge_commit_id", "text")
      .addColumn("merge_option", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("last_activity_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codecommit_pull_requests_pk", ["account_id", "region", "pull_request_id"])
      .execute();
    await db.schema
      .createIndex("codecommit_pull_requests_repository")
      .on("codecommit_pull_requests")
      .columns(["repository_id", "status"])
      .execute();
    await db.schema
      .createIndex("codecommit_pull_requests_token")
      .on("codecommit_pull_requests")
      .columns(["account_id", "region", "client_request_token"])
      .execute();
    await db.schema
      .createTable("codecommit_pull_request_events")
      .addColumn("seq", serialType(dialect), (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("pull_request_id", "text", (c) => c.notNull())
      .addColumn("event_type", "text", (c) => c.notNull())
      .addColumn("actor_arn", "text")
      .addColumn("metadata", "text", (c) => c.notNull())
      .addColumn("event_date", "bigint", (c) => c.notNull())
      .addForeignKeyConstraint(
        "codecommit_pull_request_events_pr",
        ["account_id", "region", "pull_request_id"],
        "codecommit_pull_requests",
        ["account_id", "region", "pull_request_id"],
        (fk) => fk.onDelete("cascade"),
      )
      .execute();
    await db.schema
      .createIndex("codecommit_pull_request_events_pr")
      .on("codecommit_pull_request_events")
      .columns(["account_id", "region", "pull_request_id", "seq"])
      .execute();
    await db.schema
      .createTable("codecommit_comments")
      .addColumn("comment_id", "text", (c) => c.primaryKey())
      .addColumn("seq", "bigint", (c) => c.notNull())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("repository_id", "text", (c) =>
        c.notNull().references("codecommit_repositories.repository_id").onDelete("cascade"),
      )
      .addColumn("pull_request_id", "text")
      .addColumn("before_commit_id", "text", (c) => c.notNull())
      .addColumn("after_commit_id", "text", (c) => c.notNull())
      .addColumn("before_blob_id", "text")
      .addColumn("after_blob_id", "text")
      .addColumn("location", "text")
      .addColumn("in_reply_to", "text")
      .addColumn("content", "text", (c) => c.notNull())
      .addColumn("deleted", "integer", (c) => c.notNull())
      .addColumn("author_arn", "text", (c) => c.notNull())
      .addColumn("client_request_token", "text")
      .addColumn("request_fingerprint", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("last_modified_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("codecommit_comments_pr")
      .on("codecommit_comments")
      .columns(["account_id", "region", "pull_request_id", "seq"])
      .execute();
    await db.schema
      .createIndex("codecommit_comments_token")
      .on("codecommit_comments")
      .columns(["account_id", "region", "client_request_token"])
      .execute();
    await db.schema
      .createTable("codecommit_approval_rules")
      .addColumn("approval_rule_id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("pull_request_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("content", "text", (c) => c.notNull())
      .addColumn("content_sha256", "text", (c) => c.notNull())
      .addColumn("last_modified_user", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("last_modified_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("codecommit_approval_rules_name", [
        "account_id",
        "region",
        "pull_request_id",
        "name",
      ])
      .addForeignKeyConstraint(
        "codecommit_approval_rules_pr",
        ["account_id", "region", "pull_request_id"],
        "codecommit_pull_requests",
        ["account_id", "region", "pull_request_id"],
        (fk) => fk.onDelete("cascade"),
      )
      .execute();
    await db.schema
      .createTable("codecommit_approvals")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("pull_request_id", "text", (c) => c.notNull())
      .addColumn("revision_id", "text", (c) => c.notNull())
      .addColumn("user_arn", "text", (c) => c.notNull())
      .addColumn("approved_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codecommit_approvals_pk", [
        "account_id",
        "region",
        "pull_request_id",
        "revision_id",
        "user_arn",
      ])
      .addForeignKeyConstraint(
        "codecommit_approvals_pr",
        ["account_id", "region", "pull_request_id"],
        "codecommit_pull_requests",
        ["account_id", "region", "pull_request_id"],
        (fk) => fk.onDelete("cascade"),
      )
      .execute();
    await db.schema
      .createTable("codecommit_approval_overrides")
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("pull_request_id", "text", (c) => c.notNull())
      .addColumn("revision_id", "text", (c) => c.notNull())
      .addColumn("overrider_arn", "text", (c) => c.notNull())
      .addColumn("overridden_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("codecommit_approval_overrides_pk", [
        "account_id",
        "region",
        "pull_request_id",
        "revision_id",
      ])
      .addForeignKeyConstraint(
        "codecommit_approval_overrides_pr",
        ["account_id", "region", "pull_request_id"],
        "codecommit_pull_requests",
        ["account_id", "region", "pull_request_id"],
        (fk) => fk.onDelete("cascade"),
      )
      .execute();
    await db.schema
      .createTable("codecommit_pull_request_handled_events")
      .addColumn("event_id", "text", (c) => c.primaryKey())
      .addColumn("handled_at", "bigint", (c) => c.notNull())
      .execute();
  },
};
