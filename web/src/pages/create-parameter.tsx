// Parameter Store's Create parameter form. The server's validation is the one that counts: its
// error message is shown at the field it is about.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import RadioGroup from "@cloudscape-design/components/radio-group";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Textarea from "@cloudscape-design/components/textarea";
import { AwsError } from "../api";
import { PARAMETERS_KEY } from "../query-keys";
import { navigate } from "../router";
import { CreateForm } from "../components/create-form";
import { putParameter, type ParameterType } from "../services/ssm";

const NAME_ERRORS = new Set([
  "ParameterAlreadyExists",
  "ParameterPatternMismatch",
  "HierarchyLevelLimitExceededException",
  "HierarchyTypeMismatchException",
  "ParameterLimitExceeded",
  "ParameterMaxVersionLimitExceeded",
]);
const VALUE_ERRORS = new Set(["InvalidAllowedPatternException", "UnsupportedParameterType"]);

type Field = "name" | "description" | "value" | "form";

function fieldOf(error: Error): Field {
  if (!(error instanceof AwsError)) return "form";
  if (NAME_ERRORS.has(error.code)) return "name";
  if (VALUE_ERRORS.has(error.code)) return "value";
  if (error.code === "ValidationException" || error.code === "ValidationError") {
    // "Value at 'name' failed to satisfy constraint": the field is the quoted one, not the word Value.
    const message = error.message.toLowerCase();
    if (/'name'|\bname\b/.test(message)) return "name";
    if (/'description'|\bdescription\b/.test(message)) return "description";
    if (/'value'|parameter value|\bvalue\b/.test(message)) return "value";
  }
  return "form";
}

const TYPES: { value: ParameterType; label: string; description: string }[] = [
  { value: "String", label: "String", description: "Any string value." },
  { value: "StringList", label: "StringList", description: "Separate strings using commas." },
  { value: "SecureString", label: "SecureString", description: "Encrypt sensitive data." },
];

export default function CreateParameterPage() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [type, setType] = useState<ParameterType>("String");
  const [value, setValue] = useState("");

  const create = useMutation({
    mutationFn: () =>
      putParameter({
        Name: name,
        Type: type,
        Value: value,
        ...(description !== "" && { Description: description }),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: PARAMETERS_KEY });
      navigate("/ssm/parameters");
    },
  });

  const errorField = create.error ? fieldOf(create.error) : undefined;
  const errorFor = (field: Field) => (errorField === field ? create.error?.message : undefined);

  return (
    <CreateForm
      title="Create parameter"
      description="A parameter holds a piece of configuration or a secret."
      cancelPath="/ssm/parameters"
      submitText="Create parameter"
      pending={create.isPending}
      onSubmit={() => {
        if (!create.isPending) create.mutate();
      }}
      formError={
        errorField === "form"
          ? { header: "The parameter was not created", message: create.error?.message }
          : undefined
      }
    >
      <Container header={<Header variant="h2">Parameter details</Header>}>
        <SpaceBetween size="l">
          <FormField
            label="Name"
            constraintText="Letters, digits and '.', '-', '_'; a hierarchy uses '/', e.g. /app/db/host"
            errorText={errorFor("name")}
          >
            <Input
              value={name}
              onChange={({ detail }) => setName(detail.value)}
              invalid={errorField === "name"}
              spellcheck={false}
              autoFocus
            />
          </FormField>
          <FormField label="Description - optional" errorText={errorFor("description")}>
            <Textarea
              value={description}
              onChange={({ detail }) => setDescription(detail.value)}
              invalid={errorField === "description"}
            />
          </FormField>
          <FormField label="Type">
            <RadioGroup
              value={type}
              onChange={({ detail }) => setType(detail.value as ParameterType)}
              items={TYPES}
              ariaLabel="Type"
            />
          </FormField>
          <FormField label="Value" errorText={errorFor("value")}>
            <Textarea
              value={value}
              onChange={({ detail }) => setValue(detail.value)}
              invalid={errorField === "value"}
              spellcheck={false}
            />
          </FormField>
        </SpaceBetween>
      </Container>
    </CreateForm>
  );
}
