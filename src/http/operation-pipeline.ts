/**
 * The request pipeline the AWS JSON and Query protocols share, as named steps:
 *
 *   read the body → authenticate (SigV4, scoped to the service) → decode and validate the input
 *   (the protocol's own step) → authorize (IAM) → invoke (in one transaction unless the operation
 *   says `transactional: false`) → [check the output against AWS's model, in development] →
 *   render (the protocol's own, in one place each)
 *
 * Each adapter finds its operation its own way and supplies what differs — its error codes, its
 * decoding, its rendering — and calls these steps in this order; nothing else in between.
 */
import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { isServiceError, ServiceError } from "../core/index.js";
import type { Logger } from "../core/index.js";
import { labelQueries, type Store } from "../platform/store/index.js";
import { authorize } from "../services/iam/index.js";
import type { AnyOperation, Principal, RequestContext } from "../services/kit/index.js";
import { authenticate, type AuthDeps, type ExpectedScope } from "./authenticate.js";
import { BodyTooLargeError, readBody } from "./body.js";
import type { ResponseShapes, ShapeProtocol } from "./response-shapes.js";
import type { AuthFailureReason } from "./sigv4.js";

/** What the pipeline needs from the server. */
export interface PipelineDeps extends AuthDeps {
  store: Store;
  accountId: string;
  region: string;
  maxBodyBytes: number;
  logger: Logger;
  /** Development: AWS's models to check every response against (PIPEWRIGHT_RESPONSE_SHAPES). */
  shapes?: ResponseShapes | undefined;
}

/**
 * What differs between protocols along the shared steps: the error codes they answer with. The
 * message of a `missing` signature is fixed by each protocol; the others carry the verifier's.
 */
export interface ProtocolErrors {
  /** Code and status for each way authentication fails. */
  authentication: Record<AuthFailureReason, { code: string; status: number; message?: string }>;
  /** Code and status for a request IAM does not allow. */
  accessDenied: { code: string; status: number };
  /** Code for a body over the limit (status 413), and a hint added to the message, if any. */
  tooLarge: { code: string; hint?: string };
}

/**
 * The ServiceError to answer `err` with: itself when it is one, the protocol's code for a body over
 * the limit, and for anything else — a bug — InternalFailure, logged with the request id (the
 * client learns nothing of the cause).
 */
export function asServiceError(
  err: unknown,
  errors: ProtocolErrors,
  logger: Logger,
  requestId: string,
): ServiceError {
  if (isServiceError(err)) return err;
  if (err instanceof BodyTooLargeError) {
    const hint = errors.tooLarge.hint ? `; ${errors.tooLarge.hint}` : "";
    return new ServiceError(errors.tooLarge.code, `${err.message}${hint}`, { status: 413 });
  }
  logger.error({ err, requestId }, "operation failed");
  return new ServiceError(
    "InternalFailure",
    "The request processing has failed because of an unknown error.",
    {
      status: 500,
    },
  );
}

/** Step 1: the request body, up to the server's limit. */
export function readRequestBody(request: FastifyRequest, deps: PipelineDeps): Promise<Buffer> {
  return readBody(request.raw, deps.maxBodyBytes);
}

/** Step 2: who signed the request, checked against the body and the service's credential scope. */
export async function authenticateRequest(
  request: FastifyRequest,
  body: Buffer,
  deps: PipelineDeps,
  errors: ProtocolErrors,
  scope: ExpectedScope,
): Promise<Principal> {
  const auth = await authenticate(request.raw, deps, {
    s3: false,
    bodySha256: createHash("sha256").update(body).digest("hex"),
    scope,
  });
  if (!auth.ok) {
    const { code, status, message } = errors.authentication[auth.reason];
    throw new ServiceError(code, message ?? auth.message, { status });
  }
  return auth.principal;
}

/** What every operation knows about the request it serves. */
export function requestContext(
  request: FastifyRequest,
  deps: PipelineDeps,
  principal: Principal,
): RequestContext {
  return { requestId: request.id, accountId: deps.accountId, region: deps.region, principal };
}

/** Step 4: IAM's decision on `<actionPrefix>:<Operation>` for the operation's resource. */
export function authorizeOperation(
  actionPrefix: string,
  operation: AnyOperation,
  input: unknown,
  ctx: RequestContext,
  errors: ProtocolErrors,
): void {
  const action = `${actionPrefix}:${operation.name}`;
  const resource = operation.resource?.(input, ctx) ?? "*";
  if (!authorize(ctx.principal, action, resource).allowed) {
    throw new ServiceError(
      errors.accessDenied.code,
      `User: ${ctx.principal.arn} is not authorized to perform: ${action} on resource: ${resource}`,
      { status: errors.accessDenied.status },
    );
  }
}

/**
 * Step 5: runs the handler — in one store transaction, or, for an operation that waits on the
 * outside world (`transactional: false`), on the store itself, each statement committing alone.
 */
export async function invokeOperation(
  store: Store,
  operation: AnyOperation,
  input: unknown,
  ctx: RequestContext,
): Promise<unknown> {
  return labelQueries(operation.name, () =>
    operation.transactional === false
      ? operation.handler(input, { ...ctx, trx: store.db })
      : store.transaction((trx) => operation.handler(input, { ...ctx, trx })),
  );
}

/**
 * Step 6, in development only: the output as the client will parse it must match the operation's
 * output shape in AWS's model; a response that does not is a 500 naming each difference.
 */
export function checkResponse(
  deps: PipelineDeps,
  signingName: string,
  operation: AnyOperation,
  output: unknown,
  protocol: ShapeProtocol,
): void {
  const problems = deps.shapes?.check(signingName, operation.name, output, protocol) ?? [];
  if (problems.length === 0) return;
  deps.logger.error({ operation: operation.name, problems }, "response does not match AWS's output shape");
  throw new ServiceError(
    "InternalFailure",
    `The response of ${operation.name} does not match AWS's output shape: ${problems.join("; ")}`,
    { status: 500 },
  );
}
