import { addIndex, byteOrdered, type Migration } from "./types.js";

/**
 * Indexes that let every CodeCommit listing read one page in its own order (keyset pagination):
 * branches from the recorded refs, repositories by name or last modification, pull requests by
 * number with each filter, pull request events and comments in creation order with each filter.
 * On PostgreSQL the names a listing compares with `>` become byte-ordered (`COLLATE "C"`), as they
 * are on SQLite and in git's own ref order.
 */
export const codecommitListingsMigration: Migration = {
  name: "0026-codecommit-listings",
  async up(db, dialect) {
    await byteOrdered(db, dialect, "codecommit_refs", ["ref_name"]);
    await byteOrdered(db, dialect, "codecommit_repositories", ["name"]);
    await addIndex(db, "codecommit_repositories_modified", "codecommit_repositories", [
      "account_id",
      "region",
      "last_modified_at",
      "name",
    ]);
    // Each ListPullRequests filter (none, status, author, both) has an index ending in the number.
    await db.schema.dropIndex("codecommit_pull_requests_repository").execute();
    await addIndex(db, "codecommit_pull_requests_by_number", "codecommit_pull_requests", [
      "repository_id",
      "number",
    ]);
    await addIndex(db, "codecommit_pull_requests_by_status", "codecommit_pull_requests", [
      "repository_id",
      "status",
      "number",
    ]);
    await addIndex(db, "codecommit_pull_requests_by_author", "codecommit_pull_requests", [
      "repository_id",
      "author_arn",
      "number",
    ]);
    await addIndex(db, "codecommit_pull_requests_by_author_status", "codecommit_pull_requests", [
      "repository_id",
      "author_arn",
      "status",
      "number",
    ]);
    const pr = ["account_id", "region", "pull_request_id"];
    await addIndex(db, "codecommit_pull_request_events_by_type", "codecommit_pull_request_events", [
      ...pr,
      "event_type",
      "seq",
    ]);
    await addIndex(db, "codecommit_pull_request_events_by_actor", "codecommit_pull_request_events", [
      ...pr,
      "actor_arn",
      "seq",
    ]);
    await addIndex(db, "codecommit_pull_request_events_by_type_actor", "codecommit_pull_request_events", [
      ...pr,
      "event_type",
      "actor_arn",
      "seq",
    ]);
    // Comments are ordered by `seq` and then id: two servers may stamp the same `seq`.
    await db.schema.dropIndex("codecommit_comments_pr").execute();
    await addIndex(db, "codecommit_comments_by_pr", "codecommit_comments", [...pr, "seq", "comment_id"]);
    await addIndex(db, "codecommit_comments_by_pr_commits", "codecommit_comments", [
      ...pr,
      "before_commit_id",
      "after_commit_id",
      "seq",
      "comment_id",
    ]);
  },
};
