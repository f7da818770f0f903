import { ServiceError } from "../../core/index.js";

/** The error codes CodeBuild answers with, as named in the `codebuild` 2016-10-06 model. */
export type CodeBuildErrorCode =
  | "InvalidInputException"
  | "ResourceNotFoundException"
  | "ResourceAlreadyExistsException"
  | "AccountLimitExceededException";

/** A {@link ServiceError} with one of CodeBuild's codes (all client errors). */
export function codebuildError(code: CodeBuildErrorCode, message: string): ServiceError {
  return new ServiceError(code, message, { status: 400 });
}

/** `InvalidInputException` with `message`. */
export function invalidInput(message: string): ServiceError {
  return codebuildError("InvalidInputException", message);
}

/** `ResourceNotFoundException` for a project, with AWS's wording. */
export function projectNotFound(name: string): ServiceError {
  return codebuildError(
    "ResourceNotFoundException",
    `Project cannot be found: arn:aws:codebuild:::project/${name}`,
  );
}

/** `ResourceNotFoundException` for a build id. */
export function buildNotFound(id: string): ServiceError {
  return codebuildError("ResourceNotFoundException", `Build not found for id: ${id}`);
}

/** A failure of the embedded runner's calls that names what was missing (a parameter, a secret, a bucket). */
export class RunnerApiError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RunnerApiError";
  }
}
