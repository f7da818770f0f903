// Small pieces the build project form's sections share.
import type { ReactNode } from "react";
import FormField from "@cloudscape-design/components/form-field";
import Input from "@cloudscape-design/components/input";
import Select from "@cloudscape-design/components/select";
import type { Field, ProjectFormState } from "./model";

export interface SectionProps {
  form: ProjectFormState;
  set: (patch: Partial<ProjectFormState>) => void;
  errors: Partial<Record<Field, string>>;
}

/** Select options for `values`, with `current` added when it is none of them (a project made elsewhere). */
export function optionsOf(values: readonly string[], current: string) {
  const all = current !== "" && !values.includes(current) ? [...values, current] : values;
  return all.map((value) => ({ value, label: value }));
}

export function SelectField(props: {
  label: string;
  value: string;
  values: readonly string[];
  onChange: (value: string) => void;
  errorText?: string | undefined;
  description?: string;
}) {
  const options = optionsOf(props.values, props.value);
  return (
    <FormField label={props.label} description={props.description} errorText={props.errorText}>
      <Select
        selectedOption={options.find((o) => o.value === props.value) ?? null}
        options={options}
        onChange={({ detail }) => props.onChange(detail.selectedOption.value ?? "")}
        ariaLabel={props.label}
        invalid={props.errorText !== undefined}
      />
    </FormField>
  );
}

export function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  errorText?: string | undefined;
  description?: ReactNode;
  constraintText?: string;
  placeholder?: string;
  type?: "text" | "number";
  autoFocus?: boolean;
}) {
  return (
    <FormField
      label={props.label}
      description={props.description}
      constraintText={props.constraintText}
      errorText={props.errorText}
    >
      <Input
        value={props.value}
        type={props.type ?? "text"}
        onChange={({ detail }) => props.onChange(detail.value)}
        invalid={props.errorText !== undefined}
        placeholder={props.placeholder}
        spellcheck={false}
        autoFocus={props.autoFocus}
      />
    </FormField>
  );
}
