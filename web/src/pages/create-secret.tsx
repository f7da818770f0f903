// Secrets Manager's Store a new secret form, for a plaintext value. The server's validation is
// the one that counts: its error message is shown at the field it is about.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Textarea from "@cloudscape-design/components/textarea";
import { AwsError } from "../api";
import { SECRETS_KEY } from "../query-keys";
import { navigate } from "../router";
import { CreateForm } from "../components/create-form";
import { createSecret } from "../services/secretsmanager";

type Field = "name" | "description" | "value" | "form";

function fieldOf(error: Error): Field {
  if (!(error instanceof AwsError)) return "form";
  if (error.code === "ResourceExistsException") return "name";
  if (
    error.code === "InvalidParameterException" ||
    error.code === "ValidationException" ||
    error.code === "InvalidRequestException"
  ) {
    const message = error.message.toLowerCase();
    if (/'name'|\bname\b/.test(message)) return "name";
    if (/'description'|\bdescription\b/.test(message)) return "description";
    if (/secretstring|secret value|\bvalue\b/.test(message)) return "value";
  }
  return "form";
}

export default function CreateSecretPage() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [value, setValue] = useState("");

  const create = useMutation({
    mutationFn: () =>
      createSecret({
        Name: name,
        SecretString: value,
        ...(description !== "" && { Description: description }),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: SECRETS_KEY });
      navigate("/secretsmanager/secrets");
    },
  });

  const errorField = create.error ? fieldOf(create.error) : undefined;
  const errorFor = (field: Field) => (errorField === field ? create.error?.message : undefined);

  return (
    <CreateForm
      title="Store a new secret"
      description="A secret holds a credential, key or other sensitive value."
      cancelPath="/secretsmanager/secrets"
      submitText="Store"
      pending={create.isPending}
      onSubmit={() => {
        if (!create.isPending) create.mutate();
      }}
      formError={
        errorField === "form"
          ? { header: "The secret was not stored", message: create.error?.message }
          : undefined
      }
    >
      <Container header={<Header variant="h2">Secret details</Header>}>
        <SpaceBetween size="l">
          <FormField
            label="Secret name"
            constraintText="Up to 512 letters, digits and /_+=.@-"
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
          <FormField label="Secret value" description="Plaintext" errorText={errorFor("value")}>
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
