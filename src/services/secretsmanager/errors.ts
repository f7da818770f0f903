import { ServiceError } from "../../core/index.js";

/** The error codes Secrets Manager answers with, as named in its service model. */
export type SecretsManagerErrorCode =
  | "InvalidNextTokenException"
  | "InvalidParameterException"
  | "InvalidRequestException"
  | "ResourceExistsException"
  | "ResourceNotFoundException"
  | "ValidationException";

/** A {@link ServiceError} with one of Secrets Manager's codes; all are client errors (400). */
export function smError(code: SecretsManagerErrorCode, message: string): ServiceError {
  return new ServiceError(code, message, { status: 400 });
}

/** The secret a SecretId names does not exist (or no longer does). */
export function secretNotFound(): ServiceError {
  return smError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
}

/** The operation needs a live secret and this one is scheduled for deletion. */
export function markedForDeletion(): ServiceError {
  return smError(
    "InvalidRequestException",
    "You can't perform this operation on the secret because it was marked for deletion.",
  );
}

/** SecretString and SecretBinary together. */
export function bothValues(): ServiceError {
  return smError(
    "InvalidParameterException",
    "You can't specify both a binary secret value and a string secret value in the same secret.",
  );
}

/** A NextToken this service did not hand out for this listing. */
export function invalidNextToken(): ServiceError {
  return smError("InvalidNextTokenException", "The NextToken value isn't valid.");
}
