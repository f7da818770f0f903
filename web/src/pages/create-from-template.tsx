// Create project: choose a template, name the project, and one submit creates its repository
// (with the starter code), build project, CodeDeploy application and group, artifact bucket and
// pipeline — the plan `pipewright init` runs, one AWS operation after another — then shows what
// to run next. A resource that cannot be created stops the plan, with AWS's message at it.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Checkbox from "@cloudscape-design/components/checkbox";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Tiles from "@cloudscape-design/components/tiles";
import { AwsError } from "../api";
import { CreateForm } from "../components/create-form";
import { ProjectNextSteps } from "../components/project-next-steps";
import { ProjectProgress, type StepProgress } from "../components/project-progress";
import {
  DEFAULT_PORT,
  planProject,
  portProblem,
  projectNameProblem,
  runPlanStep,
  templateFiles,
  TEMPLATES,
  type ProjectPlan,
} from "../project-plan";
import { useSession } from "../session";

/** A step that failed: which, and what AWS said. */
class StepFailure extends Error {
  constructor(
    readonly resource: string,
    override readonly cause: unknown,
    readonly created: string[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** AWS's code and message, as shown at the step that failed. */
function describe(error: unknown): string {
  if (error instanceof AwsError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export default function CreateProjectPage() {
  const queryClient = useQueryClient();
  const session = useSession();
  const [template, setTemplate] = useState<string>(TEMPLATES[0]!.id);
  const [name, setName] = useState("");
  const [approval, setApproval] = useState(false);
  const [port, setPort] = useState(String(DEFAULT_PORT));
  const [checked, setChecked] = useState(false);
  const [progress, setProgress] = useState<StepProgress[]>([]);

  const nameError = checked ? projectNameProblem(name) : undefined;
  const portError = checked ? portProblem(Number(port)) : undefined;

  const create = useMutation({
    mutationFn: async (): Promise<ProjectPlan> => {
      const region = session.data?.region ?? "us-east-1";
      const plan = planProject(
        {
          template,
          name,
          approval,
          port: Number(port),
          accountId: session.data?.principal.accountId ?? "000000000000",
          endpoint: window.location.origin,
        },
        templateFiles(template),
      );
      const steps: StepProgress[] = plan.steps.map((s) => ({ resource: s.resource, state: "pending" }));
      const show = (i: number, change: Partial<StepProgress>) => {
        steps[i] = { ...steps[i]!, ...change };
        setProgress([...steps]);
      };
      setProgress([...steps]);
      for (const [i, step] of plan.steps.entries()) {
        show(i, { state: "running" });
        try {
          await runPlanStep(step, region);
        } catch (err) {
          show(i, { state: "failed", error: describe(err) });
          throw new StepFailure(
            step.resource,
            err,
            plan.steps.slice(0, i).map((s) => s.resource),
          );
        }
        show(i, { state: "created" });
      }
      return plan;
    },
    onSettled: async () => {
      for (const service of [
        "codecommit",
        "codebuild",
        "codedeploy",
        "codepipeline",
        "repositories",
        "dashboard",
      ])
        await queryClient.invalidateQueries({ queryKey: [service] });
    },
  });

  if (create.data) {
    return (
      <ContentLayout
        header={
          <Header variant="h1" description={`From the ${create.data.template.title} template`}>
            Project {create.data.name}
          </Header>
        }
      >
        <SpaceBetween size="l">
          <ProjectNextSteps plan={create.data} region={session.data?.region ?? "us-east-1"} />
          <ProjectProgress name={create.data.name} steps={progress} />
        </SpaceBetween>
      </ContentLayout>
    );
  }

  const failure = create.error instanceof StepFailure ? create.error : undefined;
  const nameTaken =
    failure?.cause instanceof AwsError && /NameExists|AlreadyExists|AlreadyOwned/.test(failure.cause.code);
  return (
    <CreateForm
      title="Create project"
      description="A repository with starter code, a build that runs its tests, and a pipeline that deploys each push to your machines."
      cancelPath="/"
      submitText="Create project"
      pending={create.isPending}
      onSubmit={() => {
        setChecked(true);
        if (create.isPending || projectNameProblem(name) || portProblem(Number(port))) return;
        create.mutate();
      }}
      formError={
        create.error
          ? {
              header: failure ? `${failure.resource} was not created` : "The project was not created",
              message: failure
                ? `${describe(failure.cause)} ${
                    failure.created.length
                      ? `Created before it: ${failure.created.join(", ")}. Delete them or choose another name.`
                      : "Nothing was created."
                  }`
                : create.error.message,
            }
          : undefined
      }
    >
      <Container header={<Header variant="h2">Template</Header>}>
        <FormField label="Template" description="The starter code, its build and its deployment.">
          <Tiles
            value={template}
            onChange={({ detail }) => setTemplate(detail.value)}
            columns={3}
            items={TEMPLATES.map((t) => ({
              value: t.id,
              label: t.title,
              description: t.description,
              disabled: create.isPending,
            }))}
          />
        </FormField>
      </Container>
      <Container header={<Header variant="h2">Project settings</Header>}>
        <SpaceBetween size="l">
          <FormField
            label="Project name"
            description="Names the repository, the build project, the pipeline and the CodeDeploy application."
            constraintText="2 to 40 lowercase letters, digits and hyphens, starting and ending with a letter or digit"
            errorText={nameError ?? (nameTaken ? describe(failure?.cause) : undefined)}
          >
            <Input
              value={name}
              onChange={({ detail }) => setName(detail.value)}
              invalid={nameError !== undefined || nameTaken}
              spellcheck={false}
              autoFocus
              disabled={create.isPending}
            />
          </FormField>
          <FormField
            label="Port"
            description="The port the app listens on, on the machine that runs the agent."
            errorText={portError}
          >
            <Input
              type="number"
              inputMode="numeric"
              value={port}
              onChange={({ detail }) => setPort(detail.value)}
              invalid={portError !== undefined}
              disabled={create.isPending}
            />
          </FormField>
          <FormField
            label="Approval"
            description="The pipeline waits for your approval before each deployment."
          >
            <Checkbox
              checked={approval}
              onChange={({ detail }) => setApproval(detail.checked)}
              disabled={create.isPending}
            >
              Add a manual approval before the Deploy stage
            </Checkbox>
          </FormField>
        </SpaceBetween>
      </Container>
      {progress.length > 0 && <ProjectProgress name={name} steps={progress} />}
    </CreateForm>
  );
}
