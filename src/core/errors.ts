/**
 * Errors that cross a module boundary. A `ServiceError` is what an AWS operation throws: the protocol
 * adapter in `http/` renders it, in one place, as the error shape of the request's protocol.
 */

/** Options for a {@link ServiceError}. */
export interface ServiceErrorOptions {
  /** HTTP status; default 400. */
  status?: number;
  /** The underlying error, kept for logs; never shown to the client. */
  cause?: unknown;
  /** Extra fields AWS puts beside `message` in this error's body (JSON protocols only). */
  fields?: Record<string, unknown>;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** An error with AWS's code, message and HTTP status, as a client of that service expects it. */
export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;
  readonly fields: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: string, message: string, options: ServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ServiceError";
    this.code = code;
    this.status = options.status ?? 400;
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
  }
}

/** True when `err` is a {@link ServiceError}. */
export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof ServiceError;
}

/** Configuration that cannot be used; the message names the setting and what would be right. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** Message of any thrown value, for logs and recorded failure reasons. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
