// Console paths of CodeBuild, CodePipeline and CodeDeploy resources; names and ids are URL-encoded (a build id has a ':').

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

export function applicationPath(name: string): string {
  return `/codedeploy/applications/${encodeURIComponent(name)}`;
}

export function deploymentGroupPath(application: string, group: string): string {
  return `${applicationPath(application)}/groups/${encodeURIComponent(group)}`;
}

export function deploymentPath(id: string): string {
  return `/codedeploy/deployments/${encodeURIComponent(id)}`;
}
