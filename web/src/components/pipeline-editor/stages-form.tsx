// The pipeline editor's Form tab: the pipeline's settings, then its stages in order, each with its
// actions. Stages can be added, removed, renamed and moved; actions added, removed and edited.
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import ColumnLayout from "@cloudscape-design/components/column-layout";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import Select from "@cloudscape-design/components/select";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { ActionEditor } from "./action-editor";
import type { ActionField, Located, PipelineField } from "./errors";
import { type FormAction, type FormPipeline, type FormStage, newAction, newStage } from "./model";

export interface StagesFormProps {
  form: FormPipeline;
  /** `structural` when stages or actions moved, appeared or went: errors no longer point at the right place. */
  onChange: (form: FormPipeline, structural?: boolean) => void;
  errors: Located[];
}

function PipelineSettings({ form, onChange, errors }: StagesFormProps) {
  const errorAt = (field: PipelineField) =>
    errors.find((e) => e.pipelineField === field && e.stage === undefined)?.message;
  return (
    <Container header={<Header variant="h2">Pipeline settings</Header>}>
      <ColumnLayout columns={3}>
        <FormField label="Service role ARN" errorText={errorAt("roleArn")}>
          <Input
            value={form.roleArn}
            onChange={({ detail }) => onChange({ ...form, roleArn: detail.value })}
            invalid={errorAt("roleArn") !== undefined}
            spellcheck={false}
          />
        </FormField>
        <FormField label="Artifact store bucket" errorText={errorAt("artifactStore")}>
          <Input
            value={form.bucket}
            onChange={({ detail }) => onChange({ ...form, bucket: detail.value })}
            invalid={errorAt("artifactStore") !== undefined}
            spellcheck={false}
          />
        </FormField>
        <FormField label="Pipeline type" errorText={errorAt("pipelineType")}>
          <Select
            selectedOption={{ value: form.pipelineType, label: form.pipelineType }}
            options={[
              { value: "V1", label: "V1" },
              { value: "V2", label: "V2" },
            ]}
            onChange={({ detail }) =>
              onChange({ ...form, pipelineType: detail.selectedOption.value ?? "V1" })
            }
            ariaLabel="Pipeline type"
            invalid={errorAt("pipelineType") !== undefined}
          />
        </FormField>
      </ColumnLayout>
    </Container>
  );
}

function StageEditor(props: StagesFormProps & { index: number }) {
  const { form, onChange, errors, index } = props;
  const stage = form.stages[index]!;
  const title = `Stage ${stage.name || "without a name"}`;
  const setStage = (patch: Partial<FormStage>, structural?: boolean) =>
    onChange(
      { ...form, stages: form.stages.map((s, i) => (i === index ? { ...s, ...patch } : s)) },
      structural,
    );
  const move = (to: number) => {
    const stages = [...form.stages];
    stages.splice(index, 1);
    stages.splice(to, 0, stage);
    onChange({ ...form, stages }, true);
  };
  const setAction = (at: number, patch: Partial<FormAction>) =>
    setStage({ actions: stage.actions.map((a, i) => (i === at ? { ...a, ...patch } : a)) });
  const stageError = errors.find((e) => e.stage === index && e.action === undefined)?.message;
  return (
    <Container
      header={
        <Header
          variant="h2"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button
                iconName="angle-up"
                disabled={index === 0}
                onClick={() => move(index - 1)}
                ariaLabel={`Move ${title} up`}
              />
              <Button
                iconName="angle-down"
                disabled={index === form.stages.length - 1}
                onClick={() => move(index + 1)}
                ariaLabel={`Move ${title} down`}
              />
              <Button
                onClick={() => onChange({ ...form, stages: form.stages.filter((_, i) => i !== index) }, true)}
                ariaLabel={`Remove ${title}`}
              >
                Remove stage
              </Button>
            </SpaceBetween>
          }
        >
          {title}
        </Header>
      }
    >
      <div role="group" aria-label={title}>
        <SpaceBetween size="l">
          <FormField label="Stage name" errorText={stageError}>
            <Input
              value={stage.name}
              onChange={({ detail }) => setStage({ name: detail.value })}
              invalid={stageError !== undefined}
              spellcheck={false}
            />
          </FormField>
          {stage.actions.map((action, at) => (
            <ActionEditor
              key={action.key}
              action={action}
              stageName={stage.name}
              onChange={(patch) => setAction(at, patch)}
              onRemove={() => setStage({ actions: stage.actions.filter((_, i) => i !== at) }, true)}
              errorAt={(field: ActionField) =>
                errors.find((e) => e.stage === index && e.action === at && e.field === field)?.message
              }
            />
          ))}
          <Box>
            <Button onClick={() => setStage({ actions: [...stage.actions, newAction(index)] }, true)}>
              Add action
            </Button>
          </Box>
        </SpaceBetween>
      </div>
    </Container>
  );
}

export function StagesForm(props: StagesFormProps) {
  const { form, onChange } = props;
  return (
    <SpaceBetween size="l">
      <PipelineSettings {...props} />
      {form.stages.map((stage, index) => (
        <StageEditor key={stage.key} {...props} index={index} />
      ))}
      <Button
        onClick={() => onChange({ ...form, stages: [...form.stages, newStage(form.stages.length)] }, true)}
      >
        Add stage
      </Button>
    </SpaceBetween>
  );
}
