import { isServiceError, type Logger, type ServiceError } from "../../core/index.js";
import { BlobTooLargeError } from "../../platform/blobs/index.js";
import { MAX_PUT_BYTES, s3Error } from "../../services/s3/index.js";
import type { AuthFailure } from "../sigv4.js";
import { AwsChunkedError } from "./chunked.js";
import { el, escapeS3Xml } from "./xml.js";
import { XmlSyntaxError } from "./xml-parse.js";

/** S3's answer to a request whose signature did not check out. */
export function authFailureError(failure: AuthFailure, presigned: boolean): ServiceError {
  switch (failure.reason) {
    case "missing":
      // Anonymous access (public buckets) does not exist here: every request must be signed.
      return s3Error(
        "AccessDenied",
        "Access Denied: anonymous requests are not accepted; sign the request with SigV4.",
      );
    case "malformed":
      return presigned
        ? s3Error("AuthorizationQueryParametersError", failure.message)
        : s3Error(
            "AuthorizationHeaderMalformed",
            `The authorization header is malformed; ${failure.message}`,
          );
    case "unknown-key":
      return s3Error("InvalidAccessKeyId", undefined, { AWSAccessKeyId: failure.accessKeyId ?? "" });
    case "signature":
      return s3Error(
        "SignatureDoesNotMatch",
        failure.message.startsWith("The request signature") ? undefined : failure.message,
        {
          AWSAccessKeyId: failure.accessKeyId ?? "",
        },
      );
    case "skew":
      return s3Error(
        "RequestTimeTooSkewed",
        `The difference between the request time and the current time is too large. ${failure.message}`,
        {
          ServerTime: new Date().toISOString(),
        },
      );
    case "expired":
      return s3Error("AccessDenied", "Request has expired", { ServerTime: new Date().toISOString() });
    case "scope":
      return scopeError(failure, presigned);
  }
}

/** S3's words for a credential scope naming another region (with the right one) or service. */
function scopeError(failure: AuthFailure, presigned: boolean): ServiceError {
  const scope = failure.scope!;
  const detail =
    scope.part === "region"
      ? `the region '${scope.got}' is wrong; expecting '${scope.expected}'`
      : `incorrect service "${scope.got}". This endpoint belongs to "${scope.expected}".`;
  const fields: Record<string, string> = scope.part === "region" ? { Region: scope.expected } : {};
  return presigned
    ? s3Error(
        "AuthorizationQueryParametersError",
        `Error parsing the X-Amz-Credential parameter; ${detail}`,
        fields,
      )
    : s3Error("AuthorizationHeaderMalformed", `The authorization header is malformed; ${detail}`, fields);
}

function isClientAbort(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE" || code === "ECONNABORTED";
}

/** Any thrown value as the S3 error a client should see; unexpected ones are logged and become InternalError. */
export function toS3Error(err: unknown, logger: Logger, requestId: string): ServiceError {
  if (isServiceError(err)) return err;
  if (err instanceof AwsChunkedError) {
    if (err.reason === "signature") return s3Error("SignatureDoesNotMatch", err.message);
    return s3Error("IncompleteBody", err.message);
  }
  if (err instanceof BlobTooLargeError)
    return s3Error("EntityTooLarge", undefined, { MaxSizeAllowed: MAX_PUT_BYTES });
  if (err instanceof XmlSyntaxError) {
    return s3Error(
      "MalformedXML",
      `The XML you provided was not well-formed or did not validate against our published schema: ${err.message}`,
    );
  }
  if (isClientAbort(err))
    return s3Error("IncompleteBody", "The client closed the connection before the whole body arrived.");
  logger.error({ err, requestId }, "S3 request failed");
  return s3Error("InternalError");
}

/** S3's XML error document: code, message, the error's own fields, resource and request id. */
export function errorDocument(error: ServiceError, resource: string, requestId: string): string {
  const fields = Object.entries(error.fields).map(([name, value]) => el(name, String(value)) ?? "");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeS3Xml(error.code)}</Code>` +
    `<Message>${escapeS3Xml(error.message)}</Message>${fields.join("")}` +
    `<Resource>${escapeS3Xml(resource)}</Resource><RequestId>${escapeS3Xml(requestId)}</RequestId></Error>`
  );
}
