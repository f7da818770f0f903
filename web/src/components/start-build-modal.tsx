// CodeBuild's "Start build with overrides": a source version and environment variables for one
// build. AWS's validation is the one that counts; its message is shown at the field it names.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import AttributeEditor from "@cloudscape-design/components/attribute-editor";
import Form from "@cloudscape-design/components/form";
import FormField from "@cloudscape-design/components/form-field";
import Input from "@cloudscape-design/components/input";
import Modal from "@cloudscape-design/components/modal";
import Select from "@cloudscape-design/components/select";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { navigate } from "../router";
import { projectBuildsKey } from "../query-keys";
import { type EnvironmentVariable, startBuild } from "../services/codebuild";
import { buildPath } from "../paths";
import { DialogFooter } from "./dialog-footer";
import { fieldError } from "./field-error";

type VariableType = NonNullable<EnvironmentVariable["type"]>;

interface VariableRow {
  name: string;
  value: string;
  type: VariableType;
}

const TYPES: { value: VariableType; label: string }[] = [
  { value: "PLAINTEXT", label: "Plaintext" },
  { value: "PARAMETER_STORE", label: "Parameter" },
  { value: "SECRETS_MANAGER", label: "Secrets Manager" },
];

function fieldOf(error: Error): "sourceVersion" | "environment" | "form" {
  const lower = error.message.toLowerCase();
  if (lower.includes("sourceversion") || lower.includes("source version")) return "sourceVersion";
  if (lower.includes("environmentvariable") || lower.includes("environment variable")) return "environment";
  return "form";
}

export function StartBuildModal({
  projectName,
  visible,
  onDismiss,
}: {
  projectName: string;
  visible: boolean;
  onDismiss: () => void;
}) {
  const queryClient = useQueryClient();
  const [sourceVersion, setSourceVersion] = useState("");
  const [variables, setVariables] = useState<VariableRow[]>([]);

  const start = useMutation({
    mutationFn: () => {
      const overrides = variables.filter((v) => v.name !== "" || v.value !== "");
      return startBuild({
        projectName,
        ...(sourceVersion.trim() !== "" && { sourceVersion: sourceVersion.trim() }),
        ...(overrides.length > 0 && {
          environmentVariablesOverride: overrides.map(({ name, value, type }) => ({ name, value, type })),
        }),
      });
    },
    onSuccess: async ({ build }) => {
      await queryClient.invalidateQueries({ queryKey: projectBuildsKey(projectName) });
      if (build?.id) navigate(buildPath(build.id));
      else onDismiss();
    },
  });

  const { field: errorField, errorFor } = fieldError(start.error, fieldOf);
  const close = () => {
    start.reset();
    onDismiss();
  };

  return (
    <Modal
      visible={visible}
      onDismiss={close}
      header="Start build with overrides"
      size="large"
      footer={
        <DialogFooter
          onCancel={close}
          primary="Start build"
          loading={start.isPending}
          onPrimary={() => start.mutate()}
        />
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!start.isPending) start.mutate();
        }}
      >
        <Form>
          <SpaceBetween size="l">
            {errorField === "form" && (
              <Alert type="error" header="The build did not start">
                {start.error?.message}
              </Alert>
            )}
            <FormField
              label={
                <span>
                  Source version - <i>optional</i>
                </span>
              }
              description="A branch, tag, commit ID or pull request; the project's own when left empty."
              errorText={errorFor("sourceVersion")}
            >
              <Input
                value={sourceVersion}
                onChange={({ detail }) => setSourceVersion(detail.value)}
                onKeyDown={({ detail }) => {
                  if (detail.key === "Enter" && !start.isPending) start.mutate();
                }}
                invalid={errorField === "sourceVersion"}
                spellcheck={false}
              />
            </FormField>
            <FormField
              label={
                <span>
                  Environment variables override - <i>optional</i>
                </span>
              }
              stretch
              errorText={errorFor("environment")}
            >
              <AttributeEditor<VariableRow>
                items={variables}
                addButtonText="Add environment variable"
                removeButtonText="Remove"
                empty="No environment variable overrides."
                onAddButtonClick={() =>
                  setVariables((rows) => [...rows, { name: "", value: "", type: "PLAINTEXT" }])
                }
                onRemoveButtonClick={({ detail }) =>
                  setVariables((rows) => rows.filter((_, i) => i !== detail.itemIndex))
                }
                definition={[
                  {
                    label: "Name",
                    control: (row, index) => (
                      <Input
                        value={row.name}
                        ariaLabel={`Environment variable ${index + 1} name`}
                        spellcheck={false}
                        onChange={({ detail }) =>
                          setVariables((rows) =>
                            rows.map((r, i) => (i === index ? { ...r, name: detail.value } : r)),
                          )
                        }
                      />
                    ),
                  },
                  {
                    label: "Value",
                    control: (row, index) => (
                      <Input
                        value={row.value}
                        ariaLabel={`Environment variable ${index + 1} value`}
                        spellcheck={false}
                        onChange={({ detail }) =>
                          setVariables((rows) =>
                            rows.map((r, i) => (i === index ? { ...r, value: detail.value } : r)),
                          )
                        }
                      />
                    ),
                  },
                  {
                    label: "Type",
                    control: (row, index) => (
                      <Select
                        selectedOption={TYPES.find((t) => t.value === row.type) ?? null}
                        options={TYPES}
                        ariaLabel={`Environment variable ${index + 1} type`}
                        onChange={({ detail }) =>
                          setVariables((rows) =>
                            rows.map((r, i) =>
                              i === index
                                ? { ...r, type: (detail.selectedOption.value as VariableType) ?? "PLAINTEXT" }
                                : r,
                            ),
                          )
                        }
                      />
                    ),
                  },
                ]}
              />
            </FormField>
          </SpaceBetween>
        </Form>
      </form>
    </Modal>
  );
}
