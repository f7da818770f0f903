// Parameter Store's Create parameter form.
import { useState } from "react";
import FormField from "@cloudscape-design/components/form-field";
import RadioGroup from "@cloudscape-design/components/radio-group";
import { NamedValueForm } from "../components/named-value-form";
import { PARAMETERS_KEY } from "../query-keys";
import { putParameter, type ParameterType } from "../services/ssm";

const ERRORS = {
  name: new Set([
    "ParameterAlreadyExists",
    "ParameterPatternMismatch",
    "HierarchyLevelLimitExceededException",
    "HierarchyTypeMismatchException",
    "ParameterLimitExceeded",
    "ParameterMaxVersionLimitExceeded",
  ]),
  value: new Set(["InvalidAllowedPatternException", "UnsupportedParameterType"]),
  validation: new Set(["ValidationException", "ValidationError"]),
  valueWords: /'value'|parameter value|\bvalue\b/,
};

const TYPES: { value: ParameterType; label: string; description: string }[] = [
  { value: "String", label: "String", description: "Any string value." },
  { value: "StringList", label: "StringList", description: "Separate strings using commas." },
  { value: "SecureString", label: "SecureString", description: "Encrypt sensitive data." },
];

export default function CreateParameterPage() {
  const [type, setType] = useState<ParameterType>("String");
  return (
    <NamedValueForm
      title="Create parameter"
      description="A parameter holds a piece of configuration or a secret."
      listPath="/ssm/parameters"
      listKey={PARAMETERS_KEY}
      submitText="Create parameter"
      failedHeader="The parameter was not created"
      detailsHeader="Parameter details"
      nameLabel="Name"
      nameConstraint="Letters, digits and '.', '-', '_'; a hierarchy uses '/', e.g. /app/db/host"
      valueLabel="Value"
      errors={ERRORS}
      save={({ name, description, value }) =>
        putParameter({
          Name: name,
          Type: type,
          Value: value,
          ...(description !== "" && { Description: description }),
        })
      }
    >
      <FormField label="Type">
        <RadioGroup
          value={type}
          onChange={({ detail }) => setType(detail.value as ParameterType)}
          items={TYPES}
          ariaLabel="Type"
        />
      </FormField>
    </NamedValueForm>
  );
}
