// One action of a stage in the pipeline editor's form: its name, type, run order, artifacts and
// configuration, with the server's message at the field it names.
import Alert from "@cloudscape-design/components/alert";
import AttributeEditor from "@cloudscape-design/components/attribute-editor";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import ColumnLayout from "@cloudscape-design/components/column-layout";
import FormField from "@cloudscape-design/components/form-field";
import Input from "@cloudscape-design/components/input";
import Select from "@cloudscape-design/components/select";
import SpaceBetween from "@cloudscape-design/components/space-between";
import type { ActionField } from "./errors";
import type { FormAction } from "./model";

const CATEGORIES = ["Source", "Build", "Test", "Deploy", "Approval", "Invoke", "Compute"];
const OWNERS = ["AWS", "ThirdParty", "Custom"];

function options(values: string[], current: string) {
  return (current === "" || values.includes(current) ? values : [...values, current]).map((value) => ({
    value,
    label: value,
  }));
}

export interface ActionEditorProps {
  action: FormAction;
  stageName: string;
  onChange: (patch: Partial<FormAction>) => void;
  onRemove: () => void;
  errorAt: (field: ActionField) => string | undefined;
}

export function ActionEditor({ action, stageName, onChange, onRemove, errorAt }: ActionEditorProps) {
  const label = `Action ${action.name || "without a name"} in stage ${stageName || "without a name"}`;
  const typeError = errorAt("type");
  const textField = (
    field: ActionField,
    title: string,
    value: string,
    set: (v: string) => void,
    hint?: string,
  ) => (
    <FormField label={title} errorText={errorAt(field)} constraintText={hint}>
      <Input
        value={value}
        onChange={({ detail }) => set(detail.value)}
        invalid={errorAt(field) !== undefined}
        spellcheck={false}
      />
    </FormField>
  );
  return (
    <div role="group" aria-label={label} style={{ borderTop: "1px solid #d5dbdb", paddingTop: 12 }}>
      <SpaceBetween size="s">
        <Box float="right">
          <Button variant="inline-link" onClick={onRemove} ariaLabel={`Remove ${label.toLowerCase()}`}>
            Remove action
          </Button>
        </Box>
        {errorAt("action") && <Alert type="error">{errorAt("action")}</Alert>}
        <ColumnLayout columns={3}>
          {textField("name", "Action name", action.name, (name) => onChange({ name }))}
          {textField(
            "runOrder",
            "Run order",
            action.runOrder,
            (runOrder) => onChange({ runOrder }),
            "1 to 999; equal numbers run in parallel.",
          )}
          <FormField label="Category" errorText={typeError}>
            <Select
              selectedOption={{ value: action.category, label: action.category }}
              options={options(CATEGORIES, action.category)}
              onChange={({ detail }) => onChange({ category: detail.selectedOption.value ?? "" })}
              ariaLabel="Category"
              invalid={typeError !== undefined}
            />
          </FormField>
          <FormField label="Owner">
            <Select
              selectedOption={{ value: action.owner, label: action.owner }}
              options={options(OWNERS, action.owner)}
              onChange={({ detail }) => onChange({ owner: detail.selectedOption.value ?? "" })}
              ariaLabel="Owner"
            />
          </FormField>
          {textField("type", "Provider", action.provider, (provider) => onChange({ provider }))}
          <FormField label="Version">
            <Input value={action.version} onChange={({ detail }) => onChange({ version: detail.value })} />
          </FormField>
          {textField(
            "inputs",
            "Input artifacts",
            action.inputs,
            (inputs) => onChange({ inputs }),
            "Names, comma-separated.",
          )}
          {textField(
            "outputs",
            "Output artifacts",
            action.outputs,
            (outputs) => onChange({ outputs }),
            "Names, comma-separated.",
          )}
        </ColumnLayout>
        <FormField label="Configuration" errorText={errorAt("configuration")} stretch>
          <AttributeEditor
            items={action.configuration}
            addButtonText="Add configuration"
            removeButtonText="Remove"
            removeButtonAriaLabel={(item) => `Remove configuration ${item.key || "without a key"}`}
            onAddButtonClick={() =>
              onChange({ configuration: [...action.configuration, { key: "", value: "" }] })
            }
            onRemoveButtonClick={({ detail }) =>
              onChange({ configuration: action.configuration.filter((_, i) => i !== detail.itemIndex) })
            }
            empty="No configuration."
            definition={[
              {
                label: "Key",
                control: (item, index) => (
                  <Input
                    value={item.key}
                    ariaLabel={`Configuration key ${index + 1}`}
                    spellcheck={false}
                    onChange={({ detail }) =>
                      onChange({
                        configuration: action.configuration.map((c, i) =>
                          i === index ? { ...c, key: detail.value } : c,
                        ),
                      })
                    }
                  />
                ),
              },
              {
                label: "Value",
                control: (item, index) => (
                  <Input
                    value={item.value}
                    ariaLabel={`Configuration value ${index + 1}`}
                    spellcheck={false}
                    onChange={({ detail }) =>
                      onChange({
                        configuration: action.configuration.map((c, i) =>
                          i === index ? { ...c, value: detail.value } : c,
                        ),
                      })
                    }
                  />
                ),
              },
            ]}
          />
        </FormField>
      </SpaceBetween>
    </div>
  );
}
