// CodeBuild's Create build project page; the service role starts as the signed-in account's codebuild role.
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { emptyForm } from "../components/project-form/model";
import { ProjectForm } from "../components/project-form/project-form";
import { useSession } from "../session";

export default function CreateProjectPage() {
  const session = useSession();
  if (session.isPending) return <StatusIndicator type="loading">Loading</StatusIndicator>;
  return <ProjectForm initial={emptyForm(session.data?.principal.accountId)} creating />;
}
