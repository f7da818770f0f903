// CodePipeline's Create pipeline page, from JSON: a Source → Build skeleton to fill in, sent with
// CreatePipeline; AWS's errors shown above it with the place in the declaration each names.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { CreateForm } from "../components/create-form";
import { locateErrors } from "../components/pipeline-editor/errors";
import { JsonField, parseDeclaration } from "../components/pipeline-editor/json-field";
import { pipelinePath } from "../paths";
import { navigate } from "../router";
import { createPipeline, type PipelineDeclaration } from "../services/codepipeline";
import { useSession } from "../session";

function skeleton(accountId: string): PipelineDeclaration {
  return {
    name: "my-pipeline",
    roleArn: `arn:aws:iam::${accountId}:role/pipeline`,
    artifactStore: { type: "S3", location: "my-artifact-bucket" },
    pipelineType: "V2",
    stages: [
      {
        name: "Source",
        actions: [
          {
            name: "Source",
            actionTypeId: { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
            configuration: { RepositoryName: "my-repository", BranchName: "main" },
            outputArtifacts: [{ name: "SourceOutput" }],
          },
        ],
      },
      {
        name: "Build",
        actions: [
          {
            name: "Build",
            actionTypeId: { category: "Build", owner: "AWS", provider: "CodeBuild", version: "1" },
            configuration: { ProjectName: "my-project" },
            inputArtifacts: [{ name: "SourceOutput" }],
            outputArtifacts: [{ name: "BuildOutput" }],
          },
        ],
      },
    ],
  };
}

function CreatePipelineForm({ accountId }: { accountId: string }) {
  const queryClient = useQueryClient();
  const [json, setJson] = useState(() => JSON.stringify(skeleton(accountId), null, 2));
  const [syntaxError, setSyntaxError] = useState<string>();
  const [sent, setSent] = useState<PipelineDeclaration>();

  const create = useMutation({
    mutationFn: (declaration: PipelineDeclaration) => createPipeline(declaration),
    onSuccess: async (_, declaration) => {
      await queryClient.invalidateQueries({ queryKey: ["codepipeline"] });
      navigate(pipelinePath(declaration.name));
    },
  });

  return (
    <CreateForm
      title="Create pipeline"
      description="The pipeline's declaration, as CreatePipeline takes it: fill in the names of your repository, project and bucket."
      cancelPath="/codepipeline/pipelines"
      submitText="Create pipeline"
      pending={create.isPending}
      onSubmit={() => {
        if (create.isPending) return;
        const parsed = parseDeclaration(json);
        if ("error" in parsed) {
          setSyntaxError(parsed.error);
          create.reset();
          return;
        }
        setSyntaxError(undefined);
        setSent(parsed.declaration);
        create.mutate(parsed.declaration);
      }}
    >
      <JsonField
        value={json}
        onChange={setJson}
        syntaxError={syntaxError}
        errors={create.error && sent ? locateErrors(create.error, sent) : []}
        description="A pipeline object, as JSON."
      />
    </CreateForm>
  );
}

export default function CreatePipelinePage() {
  const session = useSession();
  if (session.isPending) return <StatusIndicator type="loading">Loading</StatusIndicator>;
  return <CreatePipelineForm accountId={session.data?.principal.accountId ?? "000000000000"} />;
}
