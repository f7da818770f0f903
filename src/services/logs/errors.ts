import { ServiceError } from "../../core/index.js";

/** The error codes CloudWatch Logs answers with, as named in the `logs` service model. */
export type LogsErrorCode =
  "InvalidParameterException" | "ResourceNotFoundException" | "ResourceAlreadyExistsException";

/** A {@link ServiceError} with one of CloudWatch Logs' codes (all client errors). */
export function logsError(code: LogsErrorCode, message: string): ServiceError {
  return new ServiceError(code, message, { status: 400 });
}

/** AWS's message for a group that does not exist. */
export function groupNotFound(): ServiceError {
  return logsError("ResourceNotFoundException", "The specified log group does not exist.");
}

/** AWS's message for a stream that does not exist. */
export function streamNotFound(): ServiceError {
  return logsError("ResourceNotFoundException", "The specified log stream does not exist.");
}

/** A pagination token this service did not hand out. */
export function invalidToken(token: string): ServiceError {
  return logsError("InvalidParameterException", `The specified nextToken is invalid: ${token}`);
}
