// The build project form's Environment: image, compute, privileges, service role, and the
// environment variables (plain text, or the name of a Parameter Store parameter or a secret).
import { useQuery } from "@tanstack/react-query";
import AttributeEditor from "@cloudscape-design/components/attribute-editor";
import Autosuggest from "@cloudscape-design/components/autosuggest";
import Checkbox from "@cloudscape-design/components/checkbox";
import ColumnLayout from "@cloudscape-design/components/column-layout";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import Select from "@cloudscape-design/components/select";
import SpaceBetween from "@cloudscape-design/components/space-between";
import type { EnvironmentVariable } from "../../services/codebuild";
import { describeParameters } from "../../services/ssm";
import { SelectField, type SectionProps, TextField } from "./fields";
import { DEFAULT_IMAGE } from "./model";

const COMPUTE_TYPES = [
  "BUILD_GENERAL1_SMALL",
  "BUILD_GENERAL1_MEDIUM",
  "BUILD_GENERAL1_LARGE",
  "BUILD_GENERAL1_XLARGE",
  "BUILD_GENERAL1_2XLARGE",
];
const ENVIRONMENT_TYPES = ["LINUX_CONTAINER", "ARM_CONTAINER", "LINUX_GPU_CONTAINER"];

type VariableType = NonNullable<EnvironmentVariable["type"]>;
const VARIABLE_TYPES: { value: VariableType; label: string }[] = [
  { value: "PLAINTEXT", label: "Plaintext" },
  { value: "PARAMETER_STORE", label: "Parameter" },
  { value: "SECRETS_MANAGER", label: "Secrets Manager" },
];

/** Every parameter's name (DescribeParameters page by page), to pick one for a variable. */
async function fetchParameterNames(): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await describeParameters({ MaxResults: 50, ...(NextToken && { NextToken }) });
    names.push(...(page.Parameters ?? []).map((p) => p.Name));
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return names;
}

function VariableValue(props: {
  variable: EnvironmentVariable;
  index: number;
  parameterNames: string[] | undefined;
  loading: boolean;
  onChange: (value: string) => void;
}) {
  const label = `Value of variable ${props.index + 1}`;
  if (props.variable.type === "PARAMETER_STORE") {
    return (
      <Autosuggest
        value={props.variable.value}
        onChange={({ detail }) => props.onChange(detail.value)}
        options={(props.parameterNames ?? []).map((value) => ({ value }))}
        enteredTextLabel={(value) => `Use "${value}"`}
        placeholder="Parameter name"
        ariaLabel={label}
        statusType={props.loading ? "loading" : "finished"}
        loadingText="Loading parameters"
        empty="No parameters"
      />
    );
  }
  return (
    <Input
      value={props.variable.value}
      onChange={({ detail }) => props.onChange(detail.value)}
      placeholder={props.variable.type === "SECRETS_MANAGER" ? "secret-id:json-key" : "Value"}
      ariaLabel={label}
      spellcheck={false}
    />
  );
}

function EnvironmentVariables({ form, set, errors }: SectionProps) {
  const usesParameters = form.environmentVariables.some((v) => v.type === "PARAMETER_STORE");
  const parameters = useQuery({
    queryKey: ["ssm", "parameter-names"],
    queryFn: fetchParameterNames,
    enabled: usesParameters,
  });
  const change = (index: number, patch: Partial<EnvironmentVariable>) =>
    set({
      environmentVariables: form.environmentVariables.map((v, i) => (i === index ? { ...v, ...patch } : v)),
    });
  return (
    <FormField
      label="Environment variables"
      description="A Parameter type names a Parameter Store parameter; Secrets Manager names a secret (secret-id:json-key)."
      errorText={errors["environment.environmentVariables"]}
      stretch
    >
      <AttributeEditor
        items={form.environmentVariables}
        addButtonText="Add environment variable"
        removeButtonText="Remove"
        removeButtonAriaLabel={(item) => `Remove variable ${item.name || "without a name"}`}
        onAddButtonClick={() =>
          set({
            environmentVariables: [...form.environmentVariables, { name: "", value: "", type: "PLAINTEXT" }],
          })
        }
        onRemoveButtonClick={({ detail }) =>
          set({ environmentVariables: form.environmentVariables.filter((_, i) => i !== detail.itemIndex) })
        }
        empty="No environment variables."
        definition={[
          {
            label: "Name",
            control: (item, index) => (
              <Input
                value={item.name}
                onChange={({ detail }) => change(index, { name: detail.value })}
                ariaLabel={`Name of variable ${index + 1}`}
                spellcheck={false}
              />
            ),
          },
          {
            label: "Value",
            control: (item, index) => (
              <VariableValue
                variable={item}
                index={index}
                parameterNames={parameters.data}
                loading={parameters.isPending && usesParameters}
                onChange={(value) => change(index, { value })}
              />
            ),
          },
          {
            label: "Type",
            control: (item, index) => {
              const selected = VARIABLE_TYPES.find((t) => t.value === item.type) ?? VARIABLE_TYPES[0]!;
              return (
                <Select
                  selectedOption={selected}
                  options={VARIABLE_TYPES}
                  onChange={({ detail }) =>
                    change(index, { type: detail.selectedOption.value as VariableType })
                  }
                  ariaLabel={`Type of variable ${index + 1}`}
                />
              );
            },
          },
        ]}
      />
    </FormField>
  );
}

export function EnvironmentSection(props: SectionProps) {
  const { form, set, errors } = props;
  return (
    <Container header={<Header variant="h2">Environment</Header>}>
      <SpaceBetween size="l">
        <TextField
          label="Image"
          value={form.image}
          onChange={(image) => set({ image })}
          errorText={errors["environment.image"]}
          constraintText={`A Docker image; CodeBuild's standard image is ${DEFAULT_IMAGE}.`}
        />
        <ColumnLayout columns={2}>
          <SelectField
            label="Compute"
            value={form.computeType}
            values={COMPUTE_TYPES}
            onChange={(computeType) => set({ computeType })}
            errorText={errors["environment.computeType"]}
          />
          <SelectField
            label="Environment type"
            value={form.environmentType}
            values={ENVIRONMENT_TYPES}
            onChange={(environmentType) => set({ environmentType })}
            errorText={errors["environment.type"]}
          />
        </ColumnLayout>
        <FormField label="Privileged" errorText={errors["environment.privilegedMode"]}>
          <Checkbox
            checked={form.privilegedMode}
            onChange={({ detail }) => set({ privilegedMode: detail.checked })}
          >
            Enable this flag to build Docker images
          </Checkbox>
        </FormField>
        <TextField
          label="Service role"
          value={form.serviceRole}
          onChange={(serviceRole) => set({ serviceRole })}
          errorText={errors.serviceRole}
          constraintText="The ARN of the role the build runs as, e.g. arn:aws:iam::<account>:role/codebuild."
        />
        <EnvironmentVariables {...props} />
      </SpaceBetween>
    </Container>
  );
}
