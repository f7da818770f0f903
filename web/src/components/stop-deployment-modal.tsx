// Stop deployment, as in the CodeDeploy console: stop it and roll back to the group's last good
// revision, or just stop it. The result (StopDeployment's status and message) goes to `onStopped`.
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import FormField from "@cloudscape-design/components/form-field";
import Modal from "@cloudscape-design/components/modal";
import RadioGroup from "@cloudscape-design/components/radio-group";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { stopDeployment } from "../services/codedeploy";
import { DialogFooter } from "./dialog-footer";

export interface StopResult {
  status?: string;
  statusMessage?: string;
}

export function StopDeploymentModal({
  deploymentId,
  onDismiss,
  onStopped,
}: {
  deploymentId: string;
  onDismiss: () => void;
  onStopped: (result: StopResult) => void;
}) {
  const [choice, setChoice] = useState<"rollback" | "stop">("rollback");
  const stop = useMutation({
    mutationFn: () => stopDeployment({ deploymentId, autoRollbackEnabled: choice === "rollback" }),
    onSuccess: onStopped,
  });
  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header="Stop deployment"
      footer={
        <DialogFooter
          onCancel={onDismiss}
          primary={choice === "rollback" ? "Stop and roll back" : "Stop"}
          loading={stop.isPending}
          onPrimary={() => stop.mutate()}
        />
      }
    >
      <SpaceBetween size="m">
        <Box>
          Stop deployment <Box variant="strong">{deploymentId}</Box>? Instances that have not finished are
          left as they are.
        </Box>
        <FormField label="When it stops">
          <RadioGroup
            value={choice}
            onChange={({ detail }) => setChoice(detail.value === "stop" ? "stop" : "rollback")}
            items={[
              {
                value: "rollback",
                label: "Stop and roll back",
                description: "Redeploy the group's last successful revision to its instances.",
              },
              { value: "stop", label: "Stop", description: "Leave the instances as they are now." },
            ]}
          />
        </FormField>
        {stop.error && (
          <Alert type="error" header="The deployment was not stopped">
            {stop.error.message}
          </Alert>
        )}
      </SpaceBetween>
    </Modal>
  );
}
