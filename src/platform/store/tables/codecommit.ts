/** CodeCommit (`services/codecommit`): repositories and their recorded refs. */
export interface CodeCommitTables {
  codecommit_repositories: {
    /** A UUID; also names the bare repository on disk (`<data-dir>/git/<id>.git`), so renames move nothing. */
    repository_id: string;
    account_id: string;
    region: string;
    name: string;
    description: string | null;
    /** Null until the first branch exists (the first branch pushed becomes the default, as on AWS). */
    default_branch: string | null;
    /** JSON object of tag key → value. */
    tags: string;
    /** JSON array of `RepositoryTrigger`s, as PutRepositoryTriggers stored them. */
    triggers: string;
    /** Changes with every PutRepositoryTriggers (`configurationId`). */
    triggers_config_id: string;
    /** `alias/aws/codecommit` unless another was given (reported, not used: git objects are plain on disk). */
    kms_key_id: string;
    created_at: number;
    last_modified_at: number;
  };
  /**
   * Where each branch and tag was the last time the server looked. Every ref change, whatever made
   * it (a push, an API call, a merge), is found by comparing git's refs against these rows, and
   * becomes an event in the same transaction that moves the row.
   */
  codecommit_refs: {
    repository_id: string;
    /** `refs/heads/<branch>` or `refs/tags/<tag>`. */
    ref_name: string;
    commit_id: string;
  };
}
