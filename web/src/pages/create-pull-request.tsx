// CodeCommit's Create pull request page: pick the destination and source branches, compare them
// (mergeable or not, and the changed files), then give a title and description. AWS's validation
// is the one that counts; its message is shown at the field it is about.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import ColumnLayout from "@cloudscape-design/components/column-layout";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import Select from "@cloudscape-design/components/select";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Textarea from "@cloudscape-design/components/textarea";
import { CreateForm } from "../components/create-form";
import { fieldByCode, fieldError } from "../components/field-error";
import { MergePreview } from "../components/merge-preview";
import { pullRequestPath, pullRequestsPath } from "../paths";
import { branchesKey } from "../query-keys";
import { navigate } from "../router";
import { listAllBranches } from "../services/codecommit";
import { createPullRequest } from "../services/pull-requests";

const SOURCE_ERRORS = new Set([
  "SourceAndDestinationAreSameException",
  "ReferenceDoesNotExistException",
  "ReferenceNameRequiredException",
  "InvalidReferenceNameException",
  "ReferenceTypeNotSupportedException",
]);
const TITLE_ERRORS = new Set(["TitleRequiredException", "InvalidTitleException"]);
const DESCRIPTION_ERRORS = new Set(["InvalidDescriptionException"]);

const fieldOf = (error: Error) =>
  fieldByCode(error, { source: SOURCE_ERRORS, title: TITLE_ERRORS, description: DESCRIPTION_ERRORS });

function BranchSelect({
  label,
  branches,
  value,
  onChange,
  loading,
  errorText,
}: {
  label: string;
  branches: string[];
  value: string;
  onChange: (branch: string) => void;
  loading: boolean;
  errorText: string | undefined;
}) {
  return (
    <FormField label={label} errorText={errorText}>
      <Select
        selectedOption={value ? { value, label: value } : null}
        onChange={({ detail }) => onChange(detail.selectedOption.value ?? "")}
        options={branches.map((b) => ({ value: b, label: b }))}
        placeholder="Choose a branch"
        filteringType="auto"
        statusType={loading ? "loading" : "finished"}
        loadingText="Loading branches"
        empty="No branches"
        invalid={errorText !== undefined}
      />
    </FormField>
  );
}

export default function CreatePullRequestPage({ repositoryName }: { repositoryName: string }) {
  const queryClient = useQueryClient();
  const branches = useQuery({
    queryKey: branchesKey(repositoryName),
    queryFn: () => listAllBranches(repositoryName),
  });
  const [destination, setDestination] = useState("");
  const [source, setSource] = useState("");
  const [compared, setCompared] = useState<{ source: string; destination: string }>();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  // The destination starts as main (or the first branch) once the branches are known.
  const names = branches.data ?? [];
  const shownDestination = destination || (names.includes("main") ? "main" : (names[0] ?? ""));

  const create = useMutation({
    mutationFn: () =>
      createPullRequest({
        title,
        ...(description !== "" && { description }),
        targets: [
          {
            repositoryName,
            sourceReference: source,
            ...(shownDestination !== "" && { destinationReference: shownDestination }),
          },
        ],
      }),
    onSuccess: async (pr) => {
      await queryClient.invalidateQueries({ queryKey: ["codecommit", "repository", repositoryName] });
      navigate(pullRequestPath(repositoryName, pr.pullRequestId));
    },
  });
  const { field: errorField, errorFor } = fieldError(create.error, fieldOf);

  return (
    <CreateForm
      title="Create pull request"
      description={`Ask for the changes of a branch of ${repositoryName} to be reviewed and merged.`}
      cancelPath={pullRequestsPath(repositoryName)}
      submitText="Create pull request"
      pending={create.isPending}
      onSubmit={() => {
        if (!create.isPending) create.mutate();
      }}
      formError={
        errorField === "form"
          ? { header: "The pull request was not created", message: create.error?.message }
          : undefined
      }
    >
      <Container header={<Header variant="h2">Branches</Header>}>
        <SpaceBetween size="l">
          {branches.error && (
            <FormField errorText={`The branches could not be listed: ${branches.error.message}`}>
              <span />
            </FormField>
          )}
          <ColumnLayout columns={2}>
            <BranchSelect
              label="Destination"
              branches={names}
              value={shownDestination}
              onChange={(branch) => {
                create.reset();
                setDestination(branch);
              }}
              loading={branches.isPending}
              errorText={undefined}
            />
            <BranchSelect
              label="Source"
              branches={names}
              value={source}
              onChange={(branch) => {
                create.reset();
                setSource(branch);
              }}
              loading={branches.isPending}
              errorText={errorFor("source")}
            />
          </ColumnLayout>
          <Button
            formAction="none"
            disabled={source === "" || shownDestination === ""}
            onClick={() => setCompared({ source, destination: shownDestination })}
          >
            Compare
          </Button>
          {compared && (
            <MergePreview
              repositoryName={repositoryName}
              source={compared.source}
              destination={compared.destination}
            />
          )}
        </SpaceBetween>
      </Container>
      <Container header={<Header variant="h2">Details</Header>}>
        <SpaceBetween size="l">
          <FormField label="Title" errorText={errorFor("title")}>
            <Input
              value={title}
              onChange={({ detail }) => setTitle(detail.value)}
              invalid={errorField === "title"}
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
    </CreateForm>
  );
}
