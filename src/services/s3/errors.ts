import { ServiceError } from "../../core/index.js";

/** S3's error codes that Pipewright returns, with S3's status and default message for each. */
const CATALOG = {
  AccessDenied: [403, "Access Denied"],
  AuthorizationHeaderMalformed: [400, "The authorization header is malformed."],
  AuthorizationQueryParametersError: [400, "The presigned URL's query parameters are malformed."],
  BadDigest: [400, "The Content-MD5 you specified did not match what we received."],
  BucketAlreadyExists: [
    409,
    "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
  ],
  BucketAlreadyOwnedByYou: [
    409,
    "Your previous request to create the named bucket succeeded and you already own it.",
  ],
  BucketNotEmpty: [409, "The bucket you tried to delete is not empty"],
  EntityTooLarge: [400, "Your proposed upload exceeds the maximum allowed size"],
  EntityTooSmall: [400, "Your proposed upload is smaller than the minimum allowed object size."],
  IllegalLocationConstraintException: [
    400,
    "The specified location-constraint is not valid for this endpoint.",
  ],
  IncompleteBody: [
    400,
    "You did not provide the number of bytes specified by the Content-Length HTTP header.",
  ],
  InternalError: [500, "We encountered an internal error. Please try again."],
  InvalidAccessKeyId: [403, "The AWS Access Key Id you provided does not exist in our records."],
  InvalidArgument: [400, "Invalid Argument"],
  InvalidBucketName: [400, "The specified bucket is not valid."],
  InvalidDigest: [400, "The Content-MD5 you specified is not valid."],
  InvalidPart: [
    400,
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
  ],
  InvalidPartOrder: [
    400,
    "The list of parts was not in ascending order. Parts must be ordered by part number.",
  ],
  InvalidRange: [416, "The requested range is not satisfiable"],
  InvalidRequest: [400, "Invalid Request"],
  InvalidURI: [400, "Couldn't parse the specified URI."],
  KeyTooLongError: [400, "Your key is too long"],
  MalformedXML: [
    400,
    "The XML you provided was not well-formed or did not validate against our published schema",
  ],
  MaxMessageLengthExceeded: [400, "Your request was too big."],
  MetadataTooLarge: [400, "Your metadata headers exceed the maximum allowed metadata size."],
  MethodNotAllowed: [405, "The specified method is not allowed against this resource."],
  MissingContentLength: [411, "You must provide the Content-Length HTTP header."],
  NoSuchBucket: [404, "The specified bucket does not exist"],
  NoSuchKey: [404, "The specified key does not exist."],
  NoSuchUpload: [
    404,
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
  ],
  NotImplemented: [501, "A header you provided implies functionality that is not implemented"],
  NotModified: [304, "Not Modified"],
  PreconditionFailed: [412, "At least one of the pre-conditions you specified did not hold"],
  RequestTimeTooSkewed: [403, "The difference between the request time and the current time is too large."],
  SignatureDoesNotMatch: [
    403,
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  ],
  XAmzContentSHA256Mismatch: [
    400,
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  ],
} as const satisfies Record<string, readonly [number, string]>;

/** An S3 error code Pipewright can return. */
export type S3ErrorCode = keyof typeof CATALOG;

/**
 * An S3 error as a {@link ServiceError}: S3's code and status, S3's message unless a more specific
 * one is given, and `fields` that S3 adds as extra elements of `<Error>` (`BucketName`, `Key`,
 * `ArgumentName`, …). The S3 adapter renders it, in one place, as S3's XML.
 */
export function s3Error(
  code: S3ErrorCode,
  message?: string,
  fields: Record<string, string | number> = {},
  headers: Record<string, string> = {},
): ServiceError {
  const [status, defaultMessage] = CATALOG[code];
  return new ServiceError(code, message ?? defaultMessage, { status, fields, headers });
}

/** `NoSuchBucket` naming the bucket. */
export function noSuchBucket(bucket: string): ServiceError {
  return s3Error("NoSuchBucket", undefined, { BucketName: bucket });
}

/** `NoSuchKey` naming the key. */
export function noSuchKey(key: string): ServiceError {
  return s3Error("NoSuchKey", undefined, { Key: key });
}

/** `NoSuchUpload` naming the upload. */
export function noSuchUpload(uploadId: string): ServiceError {
  return s3Error("NoSuchUpload", undefined, { UploadId: uploadId });
}

/** `InvalidArgument` naming the argument and its value, as S3 does. */
export function invalidArgument(message: string, name: string, value: string): ServiceError {
  return s3Error("InvalidArgument", message, { ArgumentName: name, ArgumentValue: value });
}
