import { parseArn } from "../../../core/index.js";
import { codedeployError } from "../errors.js";

/**
 * An IAM session ARN: `arn:aws:sts::<account>:assumed-role/<role>/<session>`
 * (InvalidIamSessionArnException otherwise).
 */
export function checkIamSessionArn(arn: string): string {
  const parts = parseArn(arn);
  if (!parts || parts.service !== "sts" || !/^assumed-role\/[^/]+\/[^/]+$/.test(parts.resource)) {
    throw codedeployError(
      "InvalidIamSessionArnException",
      `iamSessionArn ${JSON.stringify(arn)} is not an IAM session ARN; give arn:aws:sts::<account>:assumed-role/<role>/<session>.`,
    );
  }
  return arn;
}

/** An IAM user ARN: `arn:aws:iam::<account>:user/<path/><name>` (InvalidIamUserArnException otherwise). */
export function checkIamUserArn(arn: string): string {
  const parts = parseArn(arn);
  if (!parts || parts.service !== "iam" || !/^user\/(?:[^/]+\/)*[^/]+$/.test(parts.resource)) {
    throw codedeployError(
      "InvalidIamUserArnException",
      `iamUserArn ${JSON.stringify(arn)} is not an IAM user ARN; give arn:aws:iam::<account>:user/<name>.`,
    );
  }
  return arn;
}

/** RegisterOnPremisesInstance's identity: exactly one of an IAM session ARN and an IAM user ARN. */
export function checkIdentity(input: {
  iamSessionArn?: string | undefined;
  iamUserArn?: string | undefined;
}) {
  if (input.iamSessionArn !== undefined && input.iamUserArn !== undefined) {
    throw codedeployError(
      "MultipleIamArnsProvidedException",
      "Give iamSessionArn or iamUserArn, not both: an instance authenticates one way.",
    );
  }
  if (input.iamSessionArn !== undefined) return { iamSessionArn: checkIamSessionArn(input.iamSessionArn) };
  if (input.iamUserArn !== undefined) return { iamUserArn: checkIamUserArn(input.iamUserArn) };
  throw codedeployError(
    "IamArnRequiredException",
    "Give iamSessionArn (an instance using temporary credentials) or iamUserArn (one using an IAM user's keys).",
  );
}
