// The build project form, for Create build project and Edit: CreateProject or UpdateProject with
// AWS's shapes, and the server's validation message shown at the field it names.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { projectPath } from "../../paths";
import { navigate } from "../../router";
import { createProject, type Project, updateProject } from "../../services/codebuild";
import { CreateForm } from "../create-form";
import { EnvironmentSection } from "./environment";
import { keepUnshown } from "./keep";
import { type FieldErrors, fieldErrors, inputOf, type ProjectFormState, requiredErrors } from "./model";
import {
  ArtifactsSection,
  BuildspecSection,
  ProjectSection,
  SettingsSection,
  SourceSection,
} from "./sections";

export interface ProjectFormProps {
  initial: ProjectFormState;
  creating: boolean;
  /** The project being edited, whose members the form does not show are kept. */
  original?: Project;
}

export function ProjectForm({ initial, creating, original }: ProjectFormProps) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState(initial);
  const [required, setRequired] = useState<FieldErrors["fields"]>({});
  const set = (patch: Partial<ProjectFormState>) => setForm((old) => ({ ...old, ...patch }));

  const save = useMutation({
    mutationFn: () =>
      creating ? createProject(inputOf(form)) : updateProject(keepUnshown(inputOf(form), original)),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["codebuild"] });
      navigate(projectPath(form.name));
    },
  });

  const server = fieldErrors(save.error);
  const errors = { ...server.fields, ...required };
  const cancelPath = creating ? "/codebuild/projects" : projectPath(initial.name);

  return (
    <CreateForm
      title={creating ? "Create build project" : `Edit ${initial.name}`}
      description="A build project says where the source is, how to build it and where the artifacts go."
      cancelPath={cancelPath}
      submitText={creating ? "Create build project" : "Update project"}
      pending={save.isPending}
      onSubmit={() => {
        if (save.isPending) return;
        const missing = requiredErrors(form, creating);
        setRequired(missing);
        if (Object.keys(missing).length > 0) {
          save.reset();
          return;
        }
        save.mutate();
      }}
      formError={
        server.form !== undefined
          ? {
              header: creating ? "The project was not created" : "The project was not updated",
              message: server.form,
            }
          : undefined
      }
    >
      <ProjectSection form={form} set={set} errors={errors} creating={creating} />
      <SourceSection form={form} set={set} errors={errors} />
      <EnvironmentSection form={form} set={set} errors={errors} />
      <BuildspecSection form={form} set={set} errors={errors} />
      <ArtifactsSection form={form} set={set} errors={errors} />
      <SettingsSection form={form} set={set} errors={errors} />
    </CreateForm>
  );
}
