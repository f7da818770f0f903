// Console paths of resources; names and ids are URL-encoded (a build id has a ':').

export function projectPath(name: string): string {
  return `/codebuild/projects/${encodeURIComponent(name)}`;
}

export function buildPath(id: string): string {
  return `/codebuild/builds/${encodeURIComponent(id)}`;
}

/** The project a build belongs to, from its id ("<project>:<uuid>"). */
export function projectOfBuild(id: string): string {
  const colon = id.lastIndexOf(":");
  return colon === -1 ? id : id.slice(0, colon);
}

export function pipelinePath(name: string): string {
  return `/codepipeline/pipelines/${encodeURIComponent(name)}`;
}

// CodeCommit: a ref (branch, tag or commit id) is one segment, a file path one segment per folder.

export function repositoryPath(name: string): string {
  return `/repositories/${encodeURIComponent(name)}`;
}

/** A folder or file at a ref; no path (or "") is the repository's root. */
export function repositoryCodePath(name: string, ref: string, filePath?: string): string {
  const segments = (filePath ?? "").split("/").filter((s) => s !== "");
  const rest = segments.map((s) => `/${encodeURIComponent(s)}`).join("");
  return `${repositoryPath(name)}/browse/${encodeURIComponent(ref)}${rest}`;
}

export function repositoryCommitsPath(name: string, ref: string): string {
  return `${repositoryPath(name)}/commits/${encodeURIComponent(ref)}`;
}

export function commitPath(name: string, commitId: string): string {
  return `${repositoryPath(name)}/commit/${encodeURIComponent(commitId)}`;
}

// Pull requests

export function pullRequestsPath(repositoryName: string): string {
  return `${repositoryPath(repositoryName)}/pull-requests`;
}

export function createPullRequestPath(repositoryName: string): string {
  return `${pullRequestsPath(repositoryName)}/create`;
}

export function pullRequestPath(repositoryName: string, id: string): string {
  return `${pullRequestsPath(repositoryName)}/${encodeURIComponent(id)}`;
}

// CodeDeploy

export function applicationPath(name: string): string {
  return `/codedeploy/applications/${encodeURIComponent(name)}`;
}

export function deploymentGroupPath(application: string, group: string): string {
  return `${applicationPath(application)}/groups/${encodeURIComponent(group)}`;
}

export function deploymentPath(id: string): string {
  return `/codedeploy/deployments/${encodeURIComponent(id)}`;
}
