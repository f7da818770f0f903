import type { CodeDeployErrorCode } from "./errors.js";
import { codedeployError } from "./errors.js";

/** How one kind of name is checked: its field, limit and the two exceptions AWS answers with. */
export interface NameRule {
  field: string;
  max: number;
  required: CodeDeployErrorCode;
  invalid: CodeDeployErrorCode;
}

export const APPLICATION_NAME: NameRule = {
  field: "applicationName",
  max: 100,
  required: "ApplicationNameRequiredException",
  invalid: "InvalidApplicationNameException",
};
export const DEPLOYMENT_GROUP_NAME: NameRule = {
  field: "deploymentGroupName",
  max: 100,
  required: "DeploymentGroupNameRequiredException",
  invalid: "InvalidDeploymentGroupNameException",
};
export const DEPLOYMENT_CONFIG_NAME: NameRule = {
  field: "deploymentConfigName",
  max: 100,
  required: "DeploymentConfigNameRequiredException",
  invalid: "InvalidDeploymentConfigNameException",
};
export const INSTANCE_NAME: NameRule = {
  field: "instanceName",
  max: 100,
  required: "InstanceNameRequiredException",
  invalid: "InvalidInstanceNameException",
};

/**
 * A name as AWS checks it: present and not empty (the rule's "required" exception), at most `max`
 * characters of letters, digits and `.-_+=,@` (its "invalid" exception). The character set keeps
 * names usable inside ARNs and the S3 keys `aws deploy push` makes of them.
 */
export function checkName(value: string | undefined, rule: NameRule, field = rule.field): string {
  if (value === undefined || value === "") {
    throw codedeployError(rule.required, `${field} is required.`);
  }
  if (value.length > rule.max) {
    throw codedeployError(
      rule.invalid,
      `${field} has ${value.length} characters; it can have at most ${rule.max}.`,
    );
  }
  if (!/^[A-Za-z0-9.\-_+=,@]+$/.test(value)) {
    throw codedeployError(
      rule.invalid,
      `${field} ${JSON.stringify(value)} has characters a name cannot hold; use letters, digits and . - _ + = , @.`,
    );
  }
  return value;
}
