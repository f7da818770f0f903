// A pipeline declaration typed as JSON, with what went wrong above it: a syntax error with its line
// and column, or the server's errors with the place in the declaration each names.
import Alert from "@cloudscape-design/components/alert";
import FormField from "@cloudscape-design/components/form-field";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Textarea from "@cloudscape-design/components/textarea";
import type { PipelineDeclaration } from "../../services/codepipeline";
import { jsonSyntaxError, type Located } from "./errors";

export interface JsonFieldProps {
  value: string;
  onChange: (value: string) => void;
  syntaxError: string | undefined;
  errors: Located[];
  description: string;
}

/** The declaration in `text`, or the syntax error saying where it is not JSON. */
export function parseDeclaration(text: string): { declaration: PipelineDeclaration } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: jsonSyntaxError(text, error) };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      error: "The JSON is not an object: a pipeline declaration is one, with name, roleArn and stages.",
    };
  }
  return { declaration: value as PipelineDeclaration };
}

export function JsonField(props: JsonFieldProps) {
  return (
    <SpaceBetween size="m">
      {props.syntaxError && (
        <Alert type="error" header="The JSON is not valid">
          {props.syntaxError}
        </Alert>
      )}
      {props.errors.length > 0 && (
        <Alert type="error" header="The pipeline was not saved">
          {props.errors.map((e, i) => (
            <div key={i}>
              {e.path && <strong>{`At ${e.path}: `}</strong>}
              {e.message}
            </div>
          ))}
        </Alert>
      )}
      <FormField label="Pipeline declaration" description={props.description} stretch>
        <Textarea
          value={props.value}
          onChange={({ detail }) => props.onChange(detail.value)}
          rows={30}
          spellcheck={false}
          invalid={props.syntaxError !== undefined || props.errors.length > 0}
        />
      </FormField>
    </SpaceBetween>
  );
}
