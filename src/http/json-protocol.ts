import type { FastifyReply, FastifyRequest } from "fastify";
import { ServiceError } from "../core/index.js";
import type { Logger } from "../core/index.js";
import type { AnyOperation, JsonService, Principal } from "../services/kit/index.js";
import { checkJsonDepth, MAX_JSON_DEPTH, parseJsonInput } from "./json-input.js";
import {
  asServiceError,
  authenticateRequest,
  authorizeOperation,
  checkResponse,
  invokeOperation,
  readRequestBody,
  requestContext,
  type PipelineDeps,
  type ProtocolErrors,
} from "./operation-pipeline.js";

/** What the JSON protocol adapter needs. */
export interface JsonProtocolDeps extends PipelineDeps {
  services: readonly JsonService[];
}

const CONTENT_TYPES = new Set([
  "application/x-amz-json-1.1",
  "application/x-amz-json-1.0",
  "application/json",
]);

/** The JSON protocol's errors along the shared pipeline. */
const JSON_ERRORS: ProtocolErrors = {
  authentication: {
    missing: {
      code: "MissingAuthenticationTokenException",
      status: 403,
      message: "Missing Authentication Token",
    },
    malformed: { code: "IncompleteSignatureException", status: 400 },
    "unknown-key": { code: "UnrecognizedClientException", status: 400 },
    signature: { code: "InvalidSignatureException", status: 400 },
    skew: { code: "InvalidSignatureException", status: 400 },
    expired: { code: "InvalidSignatureException", status: 400 },
    scope: { code: "InvalidSignatureException", status: 400 },
  },
  accessDenied: { code: "AccessDeniedException", status: 400 },
  tooLarge: { code: "RequestEntityTooLargeException", hint: "send less data per request" },
};

/**
 * Who sent a request, or a ServiceError: SigV4 for the API, the session cookie for the console.
 * Either way the same operation then runs through the same steps.
 */
export type JsonAuthenticator = (
  request: FastifyRequest,
  body: Buffer,
  service: JsonService,
) => Promise<Principal>;

/**
 * The AWS JSON protocol: `POST /` with `X-Amz-Target: <Prefix>.<Operation>`. Finds the operation,
 * then runs the shared pipeline (see operation-pipeline.ts) with JSON's own decoding, and renders
 * the result or the error, always with `x-amzn-RequestId`. `authenticateAs` replaces the SigV4
 * step (the console's session); it is the only step that may differ.
 */
export function createJsonHandler(deps: JsonProtocolDeps, authenticateAs?: JsonAuthenticator) {
  const byPrefix = new Map(deps.services.map((s) => [s.targetPrefix, s]));
  for (const service of deps.services) deps.shapes?.served(service.signingName, service.operations.keys());
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
      const body = await readRequestBody(request, deps);
      const principal = authenticateAs
        ? await authenticateAs(request, body, service)
        : await authenticateRequest(request, body, deps, JSON_ERRORS, { service: service.signingName });
      const input = decodeJsonInput(request, body, operation, service, contentType);
      const ctx = requestContext(request, deps, principal);
      authorizeOperation(service.actionPrefix, operation, input, ctx, JSON_ERRORS);
      const output = await invokeOperation(deps.store, operation, input, ctx);
      const rendered = serializeJson(output ?? {});
      if (deps.shapes) checkResponse(deps, service.signingName, operation, JSON.parse(rendered), "json");
      void reply.status(200).header("content-type", contentType).send(Buffer.from(rendered));
    } catch (err) {
      sendJsonError(reply, err, contentType, deps.logger);
    }
  };
}

/** JSON's decoding step: the content type, the body as a JSON object, the operation's schema. */
function decodeJsonInput(
  request: FastifyRequest,
  body: Buffer,
  operation: AnyOperation,
  service: JsonService,
  contentType: string,
): unknown {
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
  return parseJsonInput(operation.input, parseJsonBody(body), service.validationErrorCode);
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

function sendJsonError(reply: FastifyReply, err: unknown, contentType: string, logger: Logger): void {
  const error = asServiceError(err, JSON_ERRORS, logger, reply.request.id);
  void reply
    .status(error.status)
    .headers({ ...error.headers, "content-type": contentType, "x-amzn-errortype": error.code })
    .send(Buffer.from(serializeJson({ __type: error.code, message: error.message, ...error.fields })));
}
