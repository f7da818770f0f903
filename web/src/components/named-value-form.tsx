// The create page for a named value with a description: a Parameter Store parameter or a Secrets
// Manager secret. The server's validation is the one that counts: its message is shown at the
// field it is about, or above the fields when it names none.
import { type ReactNode, useState } from "react";
import { type QueryKey, useMutation, useQueryClient } from "@tanstack/react-query";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Textarea from "@cloudscape-design/components/textarea";
import { navigate } from "../router";
import { CreateForm } from "./create-form";
import { fieldByCode, fieldError } from "./field-error";

export interface NamedValue {
  name: string;
  description: string;
  value: string;
}

type Field = "name" | "description" | "value" | "form";

/** How a service's errors map to the form's fields. */
export interface FieldErrors {
  /** Error codes that are always about the name (e.g. the name is taken). */
  name: ReadonlySet<string>;
  /** Error codes that are always about the value. */
  value: ReadonlySet<string>;
  /** Error codes whose message says which field is wrong. */
  validation: ReadonlySet<string>;
  /** What, in such a message, names the value field. */
  valueWords: RegExp;
}

function fieldOf(error: Error, errors: FieldErrors): Field {
  const field = fieldByCode(error, { name: errors.name, value: errors.value, validation: errors.validation });
  if (field !== "validation") return field;
  // "Value at 'name' failed to satisfy constraint": the field is the quoted one, not the word Value.
  const message = error.message.toLowerCase();
  if (/'name'|\bname\b/.test(message)) return "name";
  if (/'description'|\bdescription\b/.test(message)) return "description";
  if (errors.valueWords.test(message)) return "value";
  return "form";
}

export interface NamedValueFormProps {
  title: string;
  description: string;
  /** The list this creates into: where Cancel and a success go, and the query refreshed. */
  listPath: string;
  listKey: QueryKey;
  submitText: string;
  /** The alert's header when the server's error names no field. */
  failedHeader: string;
  detailsHeader: string;
  nameLabel: string;
  nameConstraint: string;
  valueLabel: string;
  valueDescription?: string;
  errors: FieldErrors;
  save: (input: NamedValue) => Promise<unknown>;
  /** Fields between the description and the value (e.g. a parameter's type). */
  children?: ReactNode;
}

export function NamedValueForm(props: NamedValueFormProps) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [value, setValue] = useState("");

  const create = useMutation({
    mutationFn: () => props.save({ name, description, value }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: props.listKey });
      navigate(props.listPath);
    },
  });

  const { field: errorField, errorFor } = fieldError(create.error, (error) => fieldOf(error, props.errors));

  return (
    <CreateForm
      title={props.title}
      description={props.description}
      cancelPath={props.listPath}
      submitText={props.submitText}
      pending={create.isPending}
      onSubmit={() => {
        if (!create.isPending) create.mutate();
      }}
      formError={
        errorField === "form" ? { header: props.failedHeader, message: create.error?.message } : undefined
      }
    >
      <Container header={<Header variant="h2">{props.detailsHeader}</Header>}>
        <SpaceBetween size="l">
          <FormField
            label={props.nameLabel}
            constraintText={props.nameConstraint}
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
          {props.children}
          <FormField
            label={props.valueLabel}
            description={props.valueDescription}
            errorText={errorFor("value")}
          >
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
