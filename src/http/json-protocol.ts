import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { isServiceError, ServiceError } from "../core/index.js";
import type { Logger } from "../core/index.js";
import type { Transaction } from "kysely";
import type { Database, Store } from "../platform/store/index.js";
import { authorize } from "../services/iam/index.js";
import type { JsonService, RequestContext } from "../services/kit/index.js";
import { authenticate, type AuthDeps } from "./authenticate.js";
import { BodyTooLargeError, readBody } from "./body.js";
import { checkJsonDepth, MAX_JSON_DEPTH, parseJsonInput } from "./json-input.js";
import type { AuthFailureReason } from "./sigv4.js";

/** What the JSON protocol adapter needs. */
export interface JsonProtocolDeps extends AuthDeps {
  store: Store;
  services: readonly JsonService[];
  accountId: string;
  region: string;
  maxBodyBytes: number;
  logger: Logger;
}

const CONTENT_TYPES = new Set([
  "application/x-amz-json-1.1",
  "application/x-amz-json-1.0",
  "application/json",
]);

/**
 * The AWS JSON protocol: `POST /` with `X-Amz-Target: <Prefix>.<Operation>`. Finds the operation,
 * checks the signature, validates the input, authorises, runs the handler in a transaction and
 * renders the result or the error, always with `x-amzn-RequestId`.
 */
export function createJsonHandler(deps: JsonProtocolDeps) {
  const byPrefix = new Map(deps.services.map((s) => [s.targetPrefix, s]));
  return async function handleJson(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const target = String(request.headers["x-amz-target"] ?? "");
    const dot = target.lastIndexOf(".");
    const service = dot > 0 ? byPrefix.get(target.slice(0, dot)) : undefined;
    const contentType = `application/x-amz-json-${service?.jsonVersion ?? "1.1"}`;
    try {
      const operation = service?.operations.get(target.slice(dot + 1));
      if (!service || !operation) {
        throw new ServiceError("UnknownOperationException", `Unknown operation '${target}'`, { status: 400 });
      }
      const body = await readBody(request.raw, deps.maxBodyBytes);
      const auth = await authenticate(request.raw, deps, {
        s3: false,
        bodySha256: createHash("sha256").update(body).digest("hex"),
        scope: { service: service.signingName },
      });
      if (!auth.ok) throw authError(auth.reason, auth.message);
      const sent = String(request.headers["content-type"] ?? "")
        .split(";")[0]!
        .trim()
        .toLowerCase();
      if (!CONTENT_TYPES.has(sent)) {
        throw new ServiceError(
          "SerializationException",
          `Content-Type must be ${contentType}, got '${sent || "(none)"}'`,
        );
      }
      const json = parseJsonBody(body);
      const input = parseJsonInput(operation.input, json, service.validationErrorCode);
      const ctx: RequestContext = {
        requestId: request.id,
        accountId: deps.accountId,
        region: deps.region,
        principal: auth.principal,
      };
      const action = `${service.actionPrefix}:${operation.name}`;
      const resource = operation.resource?.(input, ctx) ?? "*";
      const decision = authorize(auth.principal, action, resource);
      if (!decision.allowed) {
        throw new ServiceError(
          "AccessDeniedException",
          `User: ${auth.principal.arn} is not authorized to perform: ${action} on resource: ${resource}`,
        );
      }
      const output =
        operation.transactional === false
          ? // Transaction and Kysely share every query method; such handlers never open one.
            await operation.handler(input, { ...ctx, trx: deps.store.db as Transaction<Database> })
          : await deps.store.transaction((trx) => operation.handler(input, { ...ctx, trx }));
      void reply
        .status(200)
        .header("content-type", contentType)
        .send(Buffer.from(serializeJson(output ?? {})));
    } catch (err) {
      sendJsonError(reply, err, contentType, deps.logger);
    }
  };
}

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  checkJsonDepth(body, MAX_JSON_DEPTH);
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new ServiceError(
      "SerializationException",
      `Request body is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ServiceError("SerializationException", "Request body must be a JSON object");
  }
  return value;
}

/** JSON with AWS's timestamp encoding: epoch seconds (with fractions) for every Date. */
export function serializeJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : v;
  });
}

function authError(reason: AuthFailureReason, message: string): ServiceError {
  switch (reason) {
    case "missing":
      return new ServiceError("MissingAuthenticationTokenException", "Missing Authentication Token", {
        status: 403,
      });
    case "malformed":
      return new ServiceError("IncompleteSignatureException", message, { status: 400 });
    case "unknown-key":
      return new ServiceError("UnrecognizedClientException", message, { status: 400 });
    case "signature":
    case "skew":
    case "expired":
    case "scope":
      return new ServiceError("InvalidSignatureException", message, { status: 400 });
  }
}

function sendJsonError(reply: FastifyReply, err: unknown, contentType: string, logger: Logger): void {
  let error: ServiceError;
  if (isServiceError(err)) error = err;
  else if (err instanceof BodyTooLargeError) {
    error = new ServiceError("RequestEntityTooLargeException", `${err.message}; send less data per request`, {
      status: 413,
    });
  } else {
    logger.error({ err, requestId: reply.request.id }, "operation failed");
    error = new ServiceError(
      "InternalFailure",
      "The request processing has failed because of an unknown error.",
      {
        status: 500,
      },
    );
  }
  void reply
    .status(error.status)
    .headers({ ...error.headers, "content-type": contentType, "x-amzn-errortype": error.code })
    .send(Buffer.from(serializeJson({ __type: error.code, message: error.message, ...error.fields })));
}
