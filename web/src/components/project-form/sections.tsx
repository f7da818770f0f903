// The build project form's sections other than the environment, in the CodeBuild console's order.
import { useQuery } from "@tanstack/react-query";
import Checkbox from "@cloudscape-design/components/checkbox";
import ColumnLayout from "@cloudscape-design/components/column-layout";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import RadioGroup from "@cloudscape-design/components/radio-group";
import Select from "@cloudscape-design/components/select";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Textarea from "@cloudscape-design/components/textarea";
import { batchGetRepositories, listRepositories, type RepositoryMetadata } from "../../services/codecommit";
import { SelectField, type SectionProps, TextField } from "./fields";

export function ProjectSection({ form, set, errors, creating }: SectionProps & { creating: boolean }) {
  return (
    <Container header={<Header variant="h2">Project configuration</Header>}>
      <SpaceBetween size="l">
        {creating && (
          <TextField
            label="Project name"
            value={form.name}
            onChange={(name) => set({ name })}
            errorText={errors.name}
            constraintText="2 to 150 characters: letters, digits, '-' and '_'; starts with a letter or digit."
            autoFocus
          />
        )}
        <FormField label="Description - optional" errorText={errors.description}>
          <Textarea
            value={form.description}
            onChange={({ detail }) => set({ description: detail.value })}
            invalid={errors.description !== undefined}
          />
        </FormField>
      </SpaceBetween>
    </Container>
  );
}

/** Every repository with its clone URL: ListRepositories page by page, then BatchGetRepositories. */
async function fetchRepositories(): Promise<RepositoryMetadata[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listRepositories({
      sortBy: "repositoryName",
      order: "ascending",
      ...(nextToken && { nextToken }),
    });
    names.push(...(page.repositories ?? []).map((r) => r.repositoryName));
    nextToken = page.nextToken;
  } while (nextToken);
  return names.length === 0 ? [] : batchGetRepositories(names);
}

const SOURCE_TYPES = [
  { value: "CODECOMMIT", label: "AWS CodeCommit" },
  { value: "S3", label: "Amazon S3" },
  { value: "NO_SOURCE", label: "No source" },
  { value: "CODEPIPELINE", label: "AWS CodePipeline" },
];

function RepositorySelect({ form, set, errors }: SectionProps) {
  const query = useQuery({
    queryKey: ["codecommit", "repositories", "clone-urls"],
    queryFn: fetchRepositories,
  });
  const options = (query.data ?? []).map((r) => ({ value: r.cloneUrlHttp ?? "", label: r.repositoryName }));
  if (form.location !== "" && !options.some((o) => o.value === form.location)) {
    options.push({ value: form.location, label: form.location });
  }
  return (
    <FormField label="Repository" errorText={errors["source.location"]}>
      <Select
        selectedOption={options.find((o) => o.value === form.location) ?? null}
        options={options}
        onChange={({ detail }) => set({ location: detail.selectedOption.value ?? "" })}
        placeholder="Choose a repository"
        ariaLabel="Repository"
        statusType={query.isPending ? "loading" : query.error ? "error" : "finished"}
        loadingText="Loading repositories"
        errorText={query.error?.message}
        empty="No repositories"
        filteringType="auto"
        invalid={errors["source.location"] !== undefined}
      />
    </FormField>
  );
}

export function SourceSection(props: SectionProps) {
  const { form, set, errors } = props;
  const type = SOURCE_TYPES.find((t) => t.value === form.sourceType) ?? {
    value: form.sourceType,
    label: form.sourceType,
  };
  return (
    <Container header={<Header variant="h2">Source</Header>}>
      <SpaceBetween size="l">
        <FormField label="Source provider" errorText={errors["source.type"]}>
          <Select
            selectedOption={type}
            options={SOURCE_TYPES}
            onChange={({ detail }) =>
              set({
                sourceType: detail.selectedOption.value ?? "NO_SOURCE",
                location: "",
                ...(detail.selectedOption.value === "NO_SOURCE" && { buildspecMode: "inline" }),
                ...(detail.selectedOption.value === "CODEPIPELINE" && { artifactsType: "CODEPIPELINE" }),
                ...(detail.selectedOption.value !== "CODEPIPELINE" &&
                  form.artifactsType === "CODEPIPELINE" && { artifactsType: "NO_ARTIFACTS" }),
              })
            }
            ariaLabel="Source provider"
            invalid={errors["source.type"] !== undefined}
          />
        </FormField>
        {form.sourceType === "CODECOMMIT" && <RepositorySelect {...props} />}
        {form.sourceType === "S3" && (
          <TextField
            label="Bucket and object key"
            value={form.location}
            onChange={(location) => set({ location })}
            errorText={errors["source.location"]}
            placeholder="my-bucket/path/source.zip"
            constraintText="A zip of the source: <bucket>/<key>."
          />
        )}
        {(form.sourceType === "CODECOMMIT" || form.sourceType === "S3") && (
          <TextField
            label="Source version - optional"
            value={form.sourceVersion}
            onChange={(sourceVersion) => set({ sourceVersion })}
            errorText={errors.sourceVersion}
            placeholder={form.sourceType === "CODECOMMIT" ? "main" : "object version id"}
            constraintText={
              form.sourceType === "CODECOMMIT"
                ? "A branch, tag or commit id; the default branch when empty."
                : "The object's version id; the latest when empty."
            }
          />
        )}
      </SpaceBetween>
    </Container>
  );
}

export function BuildspecSection({ form, set, errors }: SectionProps) {
  return (
    <Container header={<Header variant="h2">Buildspec</Header>}>
      <SpaceBetween size="l">
        <FormField label="Build specifications">
          <RadioGroup
            value={form.buildspecMode}
            onChange={({ detail }) => set({ buildspecMode: detail.value as "file" | "inline" })}
            ariaLabel="Build specifications"
            items={[
              {
                value: "file",
                label: "Use a buildspec file",
                description: "A YAML file in the source.",
                disabled: form.sourceType === "NO_SOURCE",
              },
              {
                value: "inline",
                label: "Insert build commands",
                description: "Store the buildspec in the project.",
              },
            ]}
          />
        </FormField>
        {form.buildspecMode === "file" ? (
          <TextField
            label="Buildspec name - optional"
            value={form.buildspecPath}
            onChange={(buildspecPath) => set({ buildspecPath })}
            errorText={errors["source.buildspec"]}
            placeholder="buildspec.yml"
            constraintText="A path in the source; buildspec.yml at its root when empty."
          />
        ) : (
          <FormField
            label="Build commands"
            description="The buildspec, in YAML."
            errorText={errors["source.buildspec"]}
          >
            <Textarea
              value={form.buildspecInline}
              onChange={({ detail }) => set({ buildspecInline: detail.value })}
              invalid={errors["source.buildspec"] !== undefined}
              rows={12}
              spellcheck={false}
            />
          </FormField>
        )}
      </SpaceBetween>
    </Container>
  );
}

export function ArtifactsSection({ form, set, errors }: SectionProps) {
  const types = form.sourceType === "CODEPIPELINE" ? ["CODEPIPELINE"] : ["NO_ARTIFACTS", "S3"];
  return (
    <Container header={<Header variant="h2">Artifacts</Header>}>
      <SpaceBetween size="l">
        <SelectField
          label="Type"
          value={form.artifactsType}
          values={types}
          onChange={(artifactsType) => set({ artifactsType })}
          errorText={errors["artifacts.type"]}
        />
        {form.artifactsType === "S3" && (
          <ColumnLayout columns={2}>
            <TextField
              label="Bucket name"
              value={form.artifactsLocation}
              onChange={(artifactsLocation) => set({ artifactsLocation })}
              errorText={errors["artifacts.location"]}
            />
            <TextField
              label="Name - optional"
              value={form.artifactsName}
              onChange={(artifactsName) => set({ artifactsName })}
              errorText={errors["artifacts.name"]}
              constraintText="The project's name when empty."
            />
            <TextField
              label="Path - optional"
              value={form.artifactsPath}
              onChange={(artifactsPath) => set({ artifactsPath })}
              errorText={errors["artifacts.path"]}
            />
            <FormField label="Artifacts packaging" errorText={errors["artifacts.packaging"]}>
              <RadioGroup
                value={form.artifactsPackaging}
                onChange={({ detail }) => set({ artifactsPackaging: detail.value as "NONE" | "ZIP" })}
                ariaLabel="Artifacts packaging"
                items={[
                  { value: "NONE", label: "None" },
                  { value: "ZIP", label: "Zip" },
                ]}
              />
            </FormField>
          </ColumnLayout>
        )}
      </SpaceBetween>
    </Container>
  );
}

export function SettingsSection({ form, set, errors }: SectionProps) {
  return (
    <Container header={<Header variant="h2">Additional configuration</Header>}>
      <SpaceBetween size="l">
        <ColumnLayout columns={2}>
          <TextField
            label="Timeout (minutes)"
            type="number"
            value={form.timeout}
            onChange={(timeout) => set({ timeout })}
            errorText={errors.timeoutInMinutes}
            constraintText="5 to 2160 minutes."
          />
          <TextField
            label="Queued timeout (minutes)"
            type="number"
            value={form.queuedTimeout}
            onChange={(queuedTimeout) => set({ queuedTimeout })}
            errorText={errors.queuedTimeoutInMinutes}
            constraintText="5 to 480 minutes."
          />
        </ColumnLayout>
        <FormField label="Logs" errorText={errors.logsConfig}>
          <Checkbox
            checked={form.cloudWatchLogs}
            onChange={({ detail }) => set({ cloudWatchLogs: detail.checked })}
          >
            CloudWatch Logs
          </Checkbox>
        </FormField>
        {form.cloudWatchLogs && (
          <ColumnLayout columns={2}>
            <TextField
              label="Group name - optional"
              value={form.groupName}
              onChange={(groupName) => set({ groupName })}
              placeholder="/aws/codebuild/<project>"
            />
            <TextField
              label="Stream name prefix - optional"
              value={form.streamName}
              onChange={(streamName) => set({ streamName })}
            />
          </ColumnLayout>
        )}
      </SpaceBetween>
    </Container>
  );
}
