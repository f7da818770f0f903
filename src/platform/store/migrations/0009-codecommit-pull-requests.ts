import type { Migration } from "./types.js";

/** CodeCommit pull requests, their events, comments and approvals. */
export const codecommitPullRequestsMigration: Migration = {
  name: "0009-codecommit-pull-requests",
  async up() {
    // Filled in with the pull request tables.
  },
};
