import type { z } from "zod";

/**
 * AWS's validation message for zod issues, naming each field by its path:
 * `1 validation error detected: Value at 'parameterName' failed to satisfy constraint: Member must not be null`.
 */
export function formatValidationIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 10).map((issue) => {
    const where = issue.path.length ? issue.path.map(String).join(".") : "(request body)";
    return `Value at '${where}' failed to satisfy constraint: ${constraintText(issue)}`;
  });
  const n = issues.length;
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${parts.join("; ")}`;
}

function constraintText(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message))
    return "Member must not be null";
  if (issue.code === "unrecognized_keys")
    return `Unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
  return issue.message;
}
