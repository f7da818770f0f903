// "Create deployment" for one deployment group: a revision in S3 and a description. AWS's
// validation is the one that counts; its message is shown at the field it concerns.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import Form from "@cloudscape-design/components/form";
import FormField from "@cloudscape-design/components/form-field";
import Input from "@cloudscape-design/components/input";
import Modal from "@cloudscape-design/components/modal";
import Select from "@cloudscape-design/components/select";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { AwsError } from "../api";
import { deploymentPath } from "../paths";
import { DEPLOYMENTS_KEY } from "../query-keys";
import { navigate } from "../router";
import { createDeployment } from "../services/codedeploy";
import { DialogFooter } from "./dialog-footer";
import { fieldError } from "./field-error";

const BUNDLE_TYPES = [
  { value: "zip", label: ".zip" },
  { value: "tar", label: ".tar" },
  { value: "tgz", label: ".tar.gz (tgz)" },
];

function fieldOf(error: Error): "revision" | "description" | "form" {
  const text = `${error instanceof AwsError ? error.code : ""} ${error.message}`.toLowerCase();
  if (/revision|s3|bucket|key|bundle/.test(text)) return "revision";
  if (text.includes("description")) return "description";
  return "form";
}

/** `s3://bucket/key` as a bucket and a key, or undefined when it is not of that form. */
function parseS3(location: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location.trim());
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}

export function CreateDeploymentModal({
  applicationName,
  deploymentGroupName,
  onDismiss,
}: {
  applicationName: string;
  deploymentGroupName: string;
  onDismiss: () => void;
}) {
  const queryClient = useQueryClient();
  const [location, setLocation] = useState("");
  const [bundleType, setBundleType] = useState("zip");
  const [description, setDescription] = useState("");
  const [locationError, setLocationError] = useState<string>();

  const create = useMutation({
    mutationFn: (s3: { bucket: string; key: string }) =>
      createDeployment({
        applicationName,
        deploymentGroupName,
        revision: { revisionType: "S3", s3Location: { ...s3, bundleType } },
        ...(description.trim() !== "" && { description: description.trim() }),
      }),
    onSuccess: async ({ deploymentId }) => {
      await queryClient.invalidateQueries({ queryKey: DEPLOYMENTS_KEY });
      if (deploymentId) navigate(deploymentPath(deploymentId));
      else onDismiss();
    },
  });
  const submit = () => {
    if (create.isPending) return;
    const s3 = parseS3(location);
    setLocationError(s3 ? undefined : "Enter the revision's location as s3://bucket/key.");
    if (s3) create.mutate(s3);
  };

  const placed = fieldError(create.error, fieldOf);
  const errorField = placed.field;
  // A revision's location can be long without a space: the message wraps anywhere.
  const errorFor = (field: "revision" | "description" | "form") => {
    const message = placed.errorFor(field);
    return message === undefined ? undefined : <span style={{ overflowWrap: "anywhere" }}>{message}</span>;
  };

  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header="Create deployment"
      footer={
        <DialogFooter
          onCancel={onDismiss}
          primary="Create deployment"
          loading={create.isPending}
          onPrimary={submit}
        />
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Form>
          <SpaceBetween size="l">
            <Box>
              Deploy a revision to the instances of <Box variant="strong">{deploymentGroupName}</Box>.
            </Box>
            {errorField === "form" && (
              <Alert type="error" header="The deployment was not created">
                {create.error?.message}
              </Alert>
            )}
            <FormField
              label="Revision location"
              description="The bundle in S3, with appspec.yml at its root."
              errorText={locationError ?? errorFor("revision")}
            >
              <Input
                value={location}
                placeholder="s3://bucket/key"
                onChange={({ detail }) => setLocation(detail.value)}
                invalid={locationError !== undefined || errorField === "revision"}
                spellcheck={false}
              />
            </FormField>
            <FormField label="Revision file type">
              <Select
                selectedOption={BUNDLE_TYPES.find((t) => t.value === bundleType) ?? null}
                options={BUNDLE_TYPES}
                onChange={({ detail }) => setBundleType(detail.selectedOption.value ?? "zip")}
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
              <Input
                value={description}
                onChange={({ detail }) => setDescription(detail.value)}
                invalid={errorField === "description"}
              />
            </FormField>
          </SpaceBetween>
        </Form>
      </form>
    </Modal>
  );
}
