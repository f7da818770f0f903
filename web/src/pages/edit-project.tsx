// CodeBuild's Edit page of a build project: the project's settings in the create form, sent with UpdateProject.
import { useQuery } from "@tanstack/react-query";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { AwsError } from "../api";
import { formOf } from "../components/project-form/model";
import { ProjectForm } from "../components/project-form/project-form";
import { buildProjectKey } from "../query-keys";
import { batchGetProjects, type Project } from "../services/codebuild";

async function fetchProject(name: string): Promise<Project> {
  const [project] = await batchGetProjects([name]);
  if (!project) throw new AwsError("ResourceNotFoundException", `Build project ${name} does not exist.`, 400);
  return project;
}

export default function EditProjectPage({ name }: { name: string }) {
  // The form starts from the project as read; what is typed is kept if the project is read again.
  const query = useQuery({ queryKey: buildProjectKey(name), queryFn: () => fetchProject(name) });
  if (query.isPending) return <StatusIndicator type="loading">Loading the build project</StatusIndicator>;
  if (query.error) return <StatusIndicator type="error">{query.error.message}</StatusIndicator>;
  return <ProjectForm initial={formOf(query.data)} creating={false} original={query.data} />;
}
