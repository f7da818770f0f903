// The pipeline editor: the declaration in a form or as JSON, saved whole with UpdatePipeline.
// Before saving it checks that nobody saved another version meanwhile, and says so if someone did.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Button from "@cloudscape-design/components/button";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Tabs from "@cloudscape-design/components/tabs";
import { pipelinePath } from "../../paths";
import { navigate } from "../../router";
import { getPipeline, type PipelineDeclaration, updatePipeline } from "../../services/codepipeline";
import { CreateForm } from "../create-form";
import { locateErrors } from "./errors";
import { JsonField, parseDeclaration } from "./json-field";
import { declarationOf, type FormPipeline, formOf } from "./model";
import { StagesForm } from "./stages-form";

class VersionConflict extends Error {
  constructor(readonly current: PipelineDeclaration) {
    super(`The pipeline changed since you opened it: it is at version ${current.version ?? "?"} now.`);
  }
}

const pretty = (p: PipelineDeclaration) => JSON.stringify(p, null, 2);

export function PipelineEditor({ initial }: { initial: PipelineDeclaration }) {
  const queryClient = useQueryClient();
  const [base, setBase] = useState(initial);
  const [form, setForm] = useState<FormPipeline>(() => formOf(initial));
  const [json, setJson] = useState(() => pretty(initial));
  const [tab, setTab] = useState<"form" | "json">("form");
  const [syntaxError, setSyntaxError] = useState<string>();
  const [sent, setSent] = useState<PipelineDeclaration>(initial);

  const save = useMutation({
    mutationFn: async ({ declaration, force }: { declaration: PipelineDeclaration; force: boolean }) => {
      if (!force) {
        const current = (await getPipeline(base.name)).pipeline;
        if (current && current.version !== base.version) throw new VersionConflict(current);
      }
      return updatePipeline(declaration);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["codepipeline"] });
      navigate(pipelinePath(base.name));
    },
  });

  const parseJson = (): PipelineDeclaration | undefined => {
    const parsed = parseDeclaration(json);
    setSyntaxError("error" in parsed ? parsed.error : undefined);
    return "declaration" in parsed ? parsed.declaration : undefined;
  };

  const submit = (force: boolean) => {
    if (save.isPending) return;
    const declaration = tab === "form" ? declarationOf(form) : parseJson();
    if (!declaration) return;
    setSent(declaration);
    save.mutate({ declaration, force });
  };

  const conflict = save.error instanceof VersionConflict ? save.error : undefined;
  const located = save.error && !conflict ? locateErrors(save.error, sent) : [];
  const unplaced = located.filter((e) => e.stage === undefined && e.pipelineField === undefined);

  const switchTo = (next: "form" | "json") => {
    if (next === tab) return;
    if (next === "json") {
      setJson(pretty(declarationOf(form)));
      setSyntaxError(undefined);
    } else {
      const parsed = parseJson();
      if (!parsed) return;
      setForm(formOf(parsed));
    }
    save.reset();
    setTab(next);
  };

  const reload = async () => {
    const current = conflict?.current ?? (await getPipeline(base.name)).pipeline;
    if (!current) return;
    setBase(current);
    setForm(formOf(current));
    setJson(pretty(current));
    setSyntaxError(undefined);
    save.reset();
  };

  return (
    <CreateForm
      title={`Edit ${base.name}`}
      description={`Version ${base.version ?? "-"}. Saving stores the whole declaration as the next version.`}
      cancelPath={pipelinePath(base.name)}
      submitText="Save"
      pending={save.isPending}
      onSubmit={() => submit(false)}
      formError={
        tab === "form" && unplaced.length > 0
          ? { header: "The pipeline was not saved", message: unplaced.map((e) => e.message).join("\n") }
          : undefined
      }
    >
      {conflict && (
        <Alert
          type="warning"
          header="The pipeline changed since you opened it"
          action={
            <SpaceBetween direction="horizontal" size="xs">
              <Button onClick={() => void reload()}>Reload</Button>
              <Button onClick={() => submit(true)}>Save anyway</Button>
            </SpaceBetween>
          }
        >
          {`You started from version ${base.version ?? "-"}; version ${conflict.current.version ?? "-"} was saved since. Save anyway replaces it with yours; Reload discards your changes.`}
        </Alert>
      )}
      <Tabs
        activeTabId={tab}
        onChange={({ detail }) => switchTo(detail.activeTabId as "form" | "json")}
        ariaLabel="Edit mode"
        tabs={[
          {
            id: "form",
            label: "Form",
            content: (
              <StagesForm
                form={form}
                onChange={(next, structural) => {
                  setForm(next);
                  if (structural) save.reset();
                }}
                errors={located}
              />
            ),
          },
          {
            id: "json",
            label: "JSON",
            content: (
              <JsonField
                value={json}
                onChange={setJson}
                syntaxError={syntaxError}
                errors={located}
                description="GetPipeline's pipeline object, as JSON."
              />
            ),
          },
        ]}
      />
    </CreateForm>
  );
}
