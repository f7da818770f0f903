import { ServiceError } from "../../core/index.js";

/** The error codes Parameter Store answers with, as named in the SSM service model. */
export type SsmErrorCode =
  | "AccessDeniedException"
  | "HierarchyLevelLimitExceededException"
  | "InvalidAllowedPatternException"
  | "InvalidFilterKey"
  | "InvalidFilterOption"
  | "InvalidFilterValue"
  | "InvalidNextToken"
  | "ParameterAlreadyExists"
  | "ParameterNotFound"
  | "ParameterPatternMismatchException"
  | "ParameterVersionNotFound"
  | "ValidationException";

/** A {@link ServiceError} with one of Parameter Store's codes; every one is a client error (400). */
export function ssmError(code: SsmErrorCode, message: string): ServiceError {
  return new ServiceError(code, message, { status: 400 });
}

/** `ParameterNotFound`, naming what the caller asked for (selector included), as AWS does. */
export function parameterNotFound(requested: string): ServiceError {
  return ssmError("ParameterNotFound", `Parameter ${requested} not found.`);
}

/** `ParameterVersionNotFound` for `name:version`. */
export function parameterVersionNotFound(name: string, version: string): ServiceError {
  return ssmError(
    "ParameterVersionNotFound",
    `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`,
  );
}

/** `InvalidNextToken`: a token this service did not hand out, or one for another listing. */
export function invalidNextToken(): ServiceError {
  return ssmError("InvalidNextToken", "The specified token isn't valid.");
}

/** `ValidationException` with AWS's message. */
export function validationError(message: string): ServiceError {
  return ssmError("ValidationException", message);
}
