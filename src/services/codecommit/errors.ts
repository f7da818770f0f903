import { ServiceError } from "../../core/index.js";

/**
 * A {@link ServiceError} with one of CodeCommit's error codes (botocore `codecommit` 2015-04-13
 * names each operation's); all are client errors (400) unless said otherwise.
 */
export function codecommitError(code: string, message: string, status = 400): ServiceError {
  return new ServiceError(code, message, { status });
}

/** `RepositoryDoesNotExistException`, naming the repository. */
export function repositoryNotFound(name: string): ServiceError {
  return codecommitError("RepositoryDoesNotExistException", `${name} does not exist`);
}

/**
 * CodeCommit reports a missing required field with its own code per field
 * (`RepositoryNameRequiredException`, `BranchNameRequiredException`, …), not a generic validation
 * error: `required(input.branchName, "BranchNameRequiredException", "branchName")`.
 */
export function required<T>(value: T | undefined | null, code: string, field: string): T {
  if (value === undefined || value === null || (typeof value === "string" && value === "")) {
    throw codecommitError(code, `${field} is required.`);
  }
  return value;
}
