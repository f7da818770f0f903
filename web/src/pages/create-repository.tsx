// CodeCommit's Create repository form. The server's validation is the one that counts: its
// error message is shown at the field it is about.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import SpaceBetween from "@cloudscape-design/components/space-between";
import TagEditor, { type TagEditorProps } from "@cloudscape-design/components/tag-editor";
import Textarea from "@cloudscape-design/components/textarea";
import { navigate } from "../router";
import { CreateForm } from "../components/create-form";
import { fieldByCode, fieldError } from "../components/field-error";
import { DASHBOARD_REPOSITORIES_KEY, REPOSITORIES_KEY } from "../query-keys";
import { createRepository, type RepositoryMetadata } from "../services/codecommit";

const NAME_ERRORS = new Set([
  "RepositoryNameExistsException",
  "InvalidRepositoryNameException",
  "RepositoryNameRequiredException",
]);
const DESCRIPTION_ERRORS = new Set(["InvalidRepositoryDescriptionException"]);
const TAG_ERRORS = new Set([
  "InvalidTagsMapException",
  "TooManyTagsException",
  "InvalidSystemTagUsageException",
  "TagPolicyException",
]);

const fieldOf = (error: Error) =>
  fieldByCode(error, { name: NAME_ERRORS, description: DESCRIPTION_ERRORS, tags: TAG_ERRORS });

export default function CreateRepositoryPage() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [tags, setTags] = useState<readonly TagEditorProps.Tag[]>([]);
  // The tag editor flags empty or duplicate keys itself; the form waits until they are fixed.
  const [tagsValid, setTagsValid] = useState(true);

  const create = useMutation({
    mutationFn: () => {
      const kept = tags.filter((tag) => !tag.markedForRemoval && tag.key !== "");
      return createRepository({
        repositoryName: name,
        ...(description !== "" && { repositoryDescription: description }),
        ...(kept.length > 0 && { tags: Object.fromEntries(kept.map((tag) => [tag.key, tag.value])) }),
      });
    },
    onSuccess: async ({ repositoryMetadata }) => {
      // The list shows the new repository at once, then refreshes from the server.
      if (repositoryMetadata) {
        queryClient.setQueryData<RepositoryMetadata[]>(REPOSITORIES_KEY, (list) =>
          list
            ? [
                repositoryMetadata,
                ...list.filter((r) => r.repositoryName !== repositoryMetadata.repositoryName),
              ]
            : list,
        );
      }
      await queryClient.invalidateQueries({ queryKey: REPOSITORIES_KEY });
      await queryClient.invalidateQueries({ queryKey: DASHBOARD_REPOSITORIES_KEY });
      navigate("/repositories");
    },
  });

  const { field: errorField, errorFor } = fieldError(create.error, fieldOf);

  return (
    <CreateForm
      title="Create repository"
      description="A repository holds your code and its history under Git."
      cancelPath="/repositories"
      submitText="Create"
      pending={create.isPending}
      onSubmit={() => {
        if (!create.isPending && tagsValid) create.mutate();
      }}
      formError={
        errorField === "form"
          ? { header: "The repository was not created", message: create.error?.message }
          : undefined
      }
    >
      <Container header={<Header variant="h2">Repository settings</Header>}>
        <SpaceBetween size="l">
          <FormField
            label="Repository name"
            constraintText="Up to 100 letters, digits, '.', '_' and '-'"
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
          <FormField
            label={
              <span>
                Description - <i>optional</i>
              </span>
            }
            errorText={errorFor("description")}
          >
            <Textarea
              value={description}
              onChange={({ detail }) => setDescription(detail.value)}
              invalid={errorField === "description"}
            />
          </FormField>
        </SpaceBetween>
      </Container>
      <Container header={<Header variant="h2">Tags - optional</Header>}>
        <FormField stretch errorText={errorFor("tags")}>
          <TagEditor
            tags={tags}
            onChange={({ detail }) => {
              setTags(detail.tags);
              setTagsValid(detail.valid);
            }}
            tagLimit={50}
          />
        </FormField>
      </Container>
    </CreateForm>
  );
}
