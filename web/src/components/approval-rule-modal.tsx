// Create approval rule: a name, how many approvals are needed and from whom, made into the approval
// rule content JSON CreatePullRequestApprovalRule takes. AWS's message is shown at the field.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import FormField from "@cloudscape-design/components/form-field";
import Input from "@cloudscape-design/components/input";
import Modal from "@cloudscape-design/components/modal";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Textarea from "@cloudscape-design/components/textarea";
import { pullRequestKey } from "../query-keys";
import { createPullRequestApprovalRule } from "../services/pull-requests";
import { DialogFooter } from "./dialog-footer";
import { fieldByCode, fieldError } from "./field-error";

const NAME_ERRORS = new Set([
  "ApprovalRuleNameRequiredException",
  "InvalidApprovalRuleNameException",
  "ApprovalRuleNameAlreadyExistsException",
]);
const CONTENT_ERRORS = new Set([
  "ApprovalRuleContentRequiredException",
  "InvalidApprovalRuleContentException",
]);

function fieldOf(error: Error): "name" | "number" | "members" | "form" {
  const field = fieldByCode(error, { name: NAME_ERRORS, content: CONTENT_ERRORS });
  if (field !== "content") return field;
  return /NumberOfApprovalsNeeded/.test(error.message) ? "number" : "members";
}

/** The approval rule content of one "Approvers" statement; no members means anyone may approve. */
export function approvalRuleContent(approvals: number, members: string[]): string {
  return JSON.stringify({
    Version: "2018-11-08",
    Statements: [
      {
        Type: "Approvers",
        NumberOfApprovalsNeeded: approvals,
        ...(members.length > 0 && { ApprovalPoolMembers: members }),
      },
    ],
  });
}

export function ApprovalRuleModal({
  pullRequestId,
  onDismiss,
}: {
  pullRequestId: string;
  onDismiss: () => void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [approvals, setApprovals] = useState("1");
  const [members, setMembers] = useState("");
  const create = useMutation({
    mutationFn: () =>
      createPullRequestApprovalRule({
        pullRequestId,
        approvalRuleName: name,
        approvalRuleContent: approvalRuleContent(
          approvals.trim() === "" ? Number.NaN : Number(approvals),
          members
            .split(/[\n,]/)
            .map((m) => m.trim())
            .filter((m) => m !== ""),
        ),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: pullRequestKey(pullRequestId) });
      onDismiss();
    },
  });
  const { field: errorField, errorFor } = fieldError(create.error, fieldOf);
  const submit = () => {
    if (!create.isPending) create.mutate();
  };
  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header="Create approval rule"
      footer={
        <DialogFooter onCancel={onDismiss} primary="Create" loading={create.isPending} onPrimary={submit} />
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <SpaceBetween size="m">
          {errorField === "form" && (
            <Alert type="error" header="The approval rule was not created">
              {create.error?.message}
            </Alert>
          )}
          <FormField label="Approval rule name" errorText={errorFor("name")}>
            <Input
              value={name}
              onChange={({ detail }) => setName(detail.value)}
              invalid={errorField === "name"}
            />
          </FormField>
          <FormField label="Number of approvals needed" errorText={errorFor("number")}>
            <Input
              type="number"
              inputMode="numeric"
              value={approvals}
              onChange={({ detail }) => setApprovals(detail.value)}
              invalid={errorField === "number"}
            />
          </FormField>
          <FormField
            label={
              <span>
                Approval pool members - <i>optional</i>
              </span>
            }
            description="One per line: an IAM user or role ARN, or a pattern with * such as arn:aws:sts::123456789012:assumed-role/Reviewers/*. Leave empty to count anyone's approval."
            errorText={errorFor("members")}
          >
            <Textarea
              value={members}
              onChange={({ detail }) => setMembers(detail.value)}
              invalid={errorField === "members"}
              spellcheck={false}
            />
          </FormField>
        </SpaceBetween>
      </form>
    </Modal>
  );
}
