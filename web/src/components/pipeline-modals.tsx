// The pipeline page's dialogs: reviewing a manual approval, disabling a stage transition (with
// AWS's rule for the reason), and stopping an execution.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Form from "@cloudscape-design/components/form";
import FormField from "@cloudscape-design/components/form-field";
import Input from "@cloudscape-design/components/input";
import Link from "@cloudscape-design/components/link";
import Modal from "@cloudscape-design/components/modal";
import RadioGroup from "@cloudscape-design/components/radio-group";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Textarea from "@cloudscape-design/components/textarea";
import { pipelineKey } from "../query-keys";
import {
  type ActionDeclaration,
  disableStageTransition,
  putApprovalResult,
  stopPipelineExecution,
} from "../services/codepipeline";
import { DialogFooter } from "./dialog-footer";

/** Refetches every query of the pipeline's page (they share the key ["codepipeline", "pipeline", name]). */
export function usePipelineRefresh(name: string): () => Promise<void> {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: pipelineKey(name) });
}

/** AWS's rule for DisableStageTransition's reason. */
const REASON_PATTERN = /^[a-zA-Z0-9!@ ().*?-]+$/;
const REASON_MAX = 300;

export function ApprovalModal({
  pipelineName,
  stageName,
  action,
  token,
  onDismiss,
}: {
  pipelineName: string;
  stageName: string;
  action: ActionDeclaration;
  token: string;
  onDismiss: () => void;
}) {
  const refresh = usePipelineRefresh(pipelineName);
  const [comments, setComments] = useState("");
  const review = useMutation({
    mutationFn: (status: "Approved" | "Rejected") =>
      putApprovalResult({
        pipelineName,
        stageName,
        actionName: action.name,
        token,
        result: { summary: comments, status },
      }),
    onSuccess: async () => {
      await refresh();
      onDismiss();
    },
  });
  const customData = action.configuration?.CustomData;
  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header={`Review ${action.name}`}
      footer={
        <DialogFooter
          onCancel={onDismiss}
          primary="Approve"
          loading={review.isPending && review.variables === "Approved"}
          onPrimary={() => review.mutate("Approved")}
        >
          <Button
            loading={review.isPending && review.variables === "Rejected"}
            onClick={() => review.mutate("Rejected")}
          >
            Reject
          </Button>
        </DialogFooter>
      }
    >
      <SpaceBetween size="m">
        {review.error && <Alert type="error">{review.error.message}</Alert>}
        {customData && (
          <div>
            <Box variant="awsui-key-label">Comments from the pipeline</Box>
            <Box variant="p">{customData}</Box>
          </div>
        )}
        {action.configuration?.ExternalEntityLink && (
          <Link href={action.configuration.ExternalEntityLink} external>
            URL for review
          </Link>
        )}
        <FormField label="Comments">
          <Textarea value={comments} onChange={({ detail }) => setComments(detail.value)} />
        </FormField>
      </SpaceBetween>
    </Modal>
  );
}

export function DisableTransitionModal({
  pipelineName,
  stageName,
  onDismiss,
}: {
  pipelineName: string;
  stageName: string;
  onDismiss: () => void;
}) {
  const refresh = usePipelineRefresh(pipelineName);
  const [reason, setReason] = useState("");
  const [invalid, setInvalid] = useState<string | undefined>();
  const disable = useMutation({
    mutationFn: () => disableStageTransition(pipelineName, stageName, reason),
    onSuccess: async () => {
      await refresh();
      onDismiss();
    },
  });
  const submit = () => {
    if (reason.length < 1 || reason.length > REASON_MAX) {
      setInvalid(`Enter a reason of 1 to ${REASON_MAX} characters.`);
      return;
    }
    if (!REASON_PATTERN.test(reason)) {
      setInvalid("The reason may contain letters, digits, spaces and ! @ ( ) . * ? - only.");
      return;
    }
    setInvalid(undefined);
    disable.mutate();
  };
  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header="Disable transition"
      footer={
        <DialogFooter onCancel={onDismiss} primary="Disable" loading={disable.isPending} onPrimary={submit} />
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Form>
          <FormField
            label="Reason"
            description={`Why changes may not enter stage ${stageName} (up to ${REASON_MAX} characters).`}
            errorText={invalid ?? disable.error?.message}
          >
            <Input value={reason} onChange={({ detail }) => setReason(detail.value)} />
          </FormField>
        </Form>
      </form>
    </Modal>
  );
}

export function StopExecutionModal({
  pipelineName,
  executionId,
  onDismiss,
}: {
  pipelineName: string;
  executionId: string;
  onDismiss: () => void;
}) {
  const refresh = usePipelineRefresh(pipelineName);
  const [mode, setMode] = useState<"wait" | "abandon">("wait");
  const [reason, setReason] = useState("");
  const stop = useMutation({
    mutationFn: () =>
      stopPipelineExecution({
        pipelineName,
        pipelineExecutionId: executionId,
        abandon: mode === "abandon",
        ...(reason.trim() !== "" && { reason: reason.trim() }),
      }),
    onSuccess: async () => {
      await refresh();
      onDismiss();
    },
  });
  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header="Stop execution"
      footer={
        <DialogFooter
          onCancel={onDismiss}
          primary="Stop"
          loading={stop.isPending}
          onPrimary={() => stop.mutate()}
        />
      }
    >
      <SpaceBetween size="m">
        {stop.error && <Alert type="error">{stop.error.message}</Alert>}
        <Box variant="p">Execution {executionId}</Box>
        <FormField label="Stop mode">
          <RadioGroup
            value={mode}
            onChange={({ detail }) => setMode(detail.value === "abandon" ? "abandon" : "wait")}
            items={[
              {
                value: "wait",
                label: "Stop and wait",
                description: "Actions in progress finish; no further actions start.",
              },
              {
                value: "abandon",
                label: "Stop and abandon",
                description: "Actions in progress are abandoned and do not finish.",
              },
            ]}
          />
        </FormField>
        <FormField label="Reason (optional)">
          <Textarea value={reason} onChange={({ detail }) => setReason(detail.value)} />
        </FormField>
      </SpaceBetween>
    </Modal>
  );
}
