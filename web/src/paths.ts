// Console paths of CodeBuild and CodePipeline resources; names and ids are URL-encoded (a build id has a ':').

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

// Pull requests

export function repositoryPath(name: string): string {
  return `/repositories/${encodeURIComponent(name)}`;
}

export function pullRequestsPath(repositoryName: string): string {
  return `${repositoryPath(repositoryName)}/pull-requests`;
}

export function createPullRequestPath(repositoryName: string): string {
  return `${pullRequestsPath(repositoryName)}/create`;
}

export function pullRequestPath(repositoryName: string, id: string): string {
  return `${pullRequestsPath(repositoryName)}/${encodeURIComponent(id)}`;
}
