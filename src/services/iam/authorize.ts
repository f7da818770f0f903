import type { Principal } from "../kit/index.js";

/** The answer to "may this principal do this action on this resource?". */
export type Decision = { allowed: true } | { allowed: false; reason: string };

/**
 * IAM's decision for one request. Only the root user exists so far, and the root user may do
 * everything; IAM users and policy evaluation arrive with the IAM issue.
 */
export function authorize(principal: Principal, _action: string, _resource: string): Decision {
  if (principal.isRoot) return { allowed: true };
  return { allowed: false, reason: `User: ${principal.arn} is not authorized to perform this action` };
}
