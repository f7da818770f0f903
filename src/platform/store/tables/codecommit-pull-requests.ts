/** CodeCommit pull requests (`services/codecommit`). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CodeCommitPullRequestTables {}
