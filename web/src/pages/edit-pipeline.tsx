// CodePipeline's Edit page: the pipeline's declaration in a form or as JSON, saved with UpdatePipeline.
import { useQuery } from "@tanstack/react-query";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { PipelineEditor } from "../components/pipeline-editor/pipeline-editor";
import { getPipeline } from "../services/codepipeline";

export default function EditPipelinePage({ name }: { name: string }) {
  // Its own key: the editor starts from the version read here and keeps it while the pipeline's page refreshes.
  const query = useQuery({
    queryKey: ["codepipeline", "pipeline", name, "edit"],
    queryFn: () => getPipeline(name),
    gcTime: 0,
  });
  if (query.isPending) return <StatusIndicator type="loading">Loading the pipeline</StatusIndicator>;
  if (query.error) return <StatusIndicator type="error">{query.error.message}</StatusIndicator>;
  const pipeline = query.data.pipeline;
  if (!pipeline)
    return <StatusIndicator type="error">{`Pipeline ${name} has no declaration.`}</StatusIndicator>;
  return <PipelineEditor initial={pipeline} />;
}
