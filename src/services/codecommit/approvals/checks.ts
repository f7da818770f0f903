import { codecommitError, required } from "../errors.js";

/** Checks an approval rule name (`ApprovalRuleNameRequiredException` / `InvalidApprovalRuleNameException`). */
export function checkRuleName(value: string | undefined): string {
  const name = required(value, "ApprovalRuleNameRequiredException", "approvalRuleName");
  if (name.length > 100) {
    throw codecommitError(
      "InvalidApprovalRuleNameException",
      `approvalRuleName is ${name.length} characters long; at most 100 are allowed.`,
    );
  }
  return name;
}
