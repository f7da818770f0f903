// Query keys shared between pages, so a change made on one page updates the lists on another.
export const REPOSITORIES_KEY = ["repositories"] as const;
export const DASHBOARD_REPOSITORIES_KEY = ["dashboard", "repositories"] as const;
export const SESSION_KEY = ["session"] as const;
export const BUILD_PROJECTS_KEY = ["codebuild", "projects"] as const;
export const buildProjectKey = (name: string) => ["codebuild", "project", name] as const;
export const projectBuildsKey = (name: string) => ["codebuild", "project", name, "builds"] as const;
export const buildKey = (id: string) => ["codebuild", "build", id] as const;
export const PIPELINES_KEY = ["codepipeline", "pipelines"] as const;
export const pipelineKey = (name: string) => ["codepipeline", "pipeline", name] as const;
export const pipelineStateKey = (name: string) => ["codepipeline", "pipeline", name, "state"] as const;
export const pipelineExecutionsKey = (name: string) =>
  ["codepipeline", "pipeline", name, "executions"] as const;
export const PARAMETERS_KEY = ["ssm", "parameters"] as const;
/** A parameter's value: fetched only when revealed, never kept once hidden (gcTime 0). */
export const parameterValueKey = (name: string) => ["ssm", "parameter-value", name] as const;
export const SECRETS_KEY = ["secretsmanager", "secrets"] as const;
/** A secret's value: fetched only when revealed, never kept once hidden (gcTime 0). */
export const secretValueKey = (id: string) => ["secretsmanager", "secret-value", id] as const;
export const repositoryKey = (name: string) => ["codecommit", "repository", name] as const;
export const branchesKey = (name: string) => ["codecommit", "repository", name, "branches"] as const;
/** A folder or file of a repository at a branch, tag or commit. */
export const pathAtKey = (name: string, ref: string, path: string) =>
  ["codecommit", "repository", name, "path", ref, path] as const;
export const commitHistoryKey = (name: string, ref: string) =>
  ["codecommit", "repository", name, "history", ref] as const;
export const commitKey = (name: string, commitId: string) =>
  ["codecommit", "repository", name, "commit", commitId] as const;
export const commitDifferencesKey = (name: string, commitId: string) =>
  ["codecommit", "repository", name, "commit", commitId, "differences"] as const;
/** A blob's content never changes: fetched once. */
export const blobKey = (name: string, blobId: string) =>
  ["codecommit", "repository", name, "blob", blobId] as const;
// Pull requests: every query of a pull request's page starts with pullRequestKey, so one
// invalidation refreshes the whole page after an action.
export const pullRequestsKey = (repositoryName: string, status: string) =>
  ["codecommit", "repository", repositoryName, "pull-requests", status] as const;
export const pullRequestKey = (id: string) => ["codecommit", "pull-request", id] as const;
export const APPLICATIONS_KEY = ["codedeploy", "applications"] as const;
export const applicationKey = (name: string) => ["codedeploy", "application", name] as const;
export const deploymentGroupsKey = (application: string) =>
  ["codedeploy", "application", application, "groups"] as const;
export const deploymentGroupKey = (application: string, group: string) =>
  ["codedeploy", "application", application, "group", group] as const;
export const DEPLOYMENTS_KEY = ["codedeploy", "deployments"] as const;
export const deploymentKey = (id: string) => ["codedeploy", "deployment", id] as const;
export const deploymentTargetsKey = (id: string) => ["codedeploy", "deployment", id, "targets"] as const;
