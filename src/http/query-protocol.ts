import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { isServiceError, ServiceError, type Logger } from "../core/index.js";
import type { Store } from "../platform/store/index.js";
import { authorize } from "../services/iam/index.js";
import { formatValidationIssues, type QueryService, type RequestContext } from "../services/kit/index.js";
import { authenticate, type AuthDeps } from "./authenticate.js";
import { BodyTooLargeError, readBody } from "./body.js";
import type { AuthFailureReason } from "./sigv4.js";
import { escapeXml, toXmlElements } from "./xml.js";

/** What the Query protocol adapter needs. */
export interface QueryProtocolDeps extends AuthDeps {
  store: Store;
  services: readonly QueryService[];
  accountId: string;
  region: string;
  maxBodyBytes: number;
  logger: Logger;
}

/**
 * The AWS Query protocol: form-encoded `Action=…&Version=…` posted to `/` (or sent as a GET query),
 * answered in XML. The service is the one named in the signature's credential scope (IAM and STS
 * share the endpoint shape).
 */
export function createQueryHandler(deps: QueryProtocolDeps) {
  const bySigningName = new Map(deps.services.map((s) => [s.signingName, s]));
  const fallback = deps.services[0]!;
  return async function handleQuery(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    let service = fallback;
    try {
      const body = await readBody(request.raw, deps.maxBodyBytes);
      const params = new URLSearchParams(body.toString("utf8"));
      const query = (request.raw.url ?? "").split("?")[1];
      if (query)
        for (const [k, v] of new URLSearchParams(query)) if (!k.startsWith("X-Amz-")) params.set(k, v);
      const action = params.get("Action") ?? "";
      // IAM and STS share the endpoint: the service is the one the credential scope names, and when
      // it names neither, the one whose operation the Action is.
      service =
        bySigningName.get(claimedService(request.raw.headers.authorization, request.raw.url)) ??
        deps.services.find((s) => s.operations.has(action)) ??
        fallback;
      const auth = await authenticate(request.raw, deps, {
        s3: false,
        bodySha256: createHash("sha256").update(body).digest("hex"),
        // AWS's IAM and STS global endpoints take signatures for us-east-1.
        scope: { service: service.signingName, alsoRegions: ["us-east-1"] },
      });
      if (!auth.ok) throw authError(auth.reason, auth.message);
      const operation = service.operations.get(action);
      if (!operation) {
        throw new ServiceError(
          "InvalidAction",
          `Could not find operation '${action}' for version ${params.get("Version") ?? "(none)"}`,
        );
      }
      params.delete("Action");
      params.delete("Version");
      const parsed = operation.input.safeParse(Object.fromEntries(params));
      if (!parsed.success) {
        throw new ServiceError(service.validationErrorCode, formatValidationIssues(parsed.error.issues));
      }
      const ctx: RequestContext = {
        requestId: request.id,
        accountId: deps.accountId,
        region: deps.region,
        principal: auth.principal,
      };
      const iamAction = `${service.actionPrefix}:${operation.name}`;
      const resource = operation.resource?.(parsed.data, ctx) ?? "*";
      const decision = authorize(auth.principal, iamAction, resource);
      if (!decision.allowed) {
        throw new ServiceError(
          "AccessDenied",
          `User: ${auth.principal.arn} is not authorized to perform: ${iamAction} on resource: ${resource}`,
          { status: 403 },
        );
      }
      const result = await deps.store.transaction((trx) => operation.handler(parsed.data, { ...ctx, trx }));
      const xml =
        `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${service.xmlNamespace}">` +
        `<${action}Result>${toXmlElements(result)}</${action}Result>` +
        `<ResponseMetadata><RequestId>${request.id}</RequestId></ResponseMetadata></${action}Response>`;
      void reply.status(200).header("content-type", "text/xml").send(xml);
    } catch (err) {
      sendQueryError(reply, err, service, deps.logger);
    }
  };
}

/** The service a request's credential scope names (header or presigned query), or "". */
function claimedService(authorization: string | undefined, url: string | undefined): string {
  const credential =
    /Credential=([^,\s]+)/.exec(authorization ?? "")?.[1] ??
    new URLSearchParams((url ?? "").split("?")[1] ?? "").get("X-Amz-Credential") ??
    "";
  return decodeURIComponent(credential).split("/")[3] ?? "";
}

function authError(reason: AuthFailureReason, message: string): ServiceError {
  switch (reason) {
    case "missing":
      return new ServiceError("MissingAuthenticationToken", "Request is missing Authentication Token", {
        status: 403,
      });
    case "malformed":
      return new ServiceError("IncompleteSignature", message, { status: 400 });
    case "unknown-key":
      return new ServiceError("InvalidClientTokenId", message, { status: 403 });
    case "signature":
    case "scope":
      return new ServiceError("SignatureDoesNotMatch", message, { status: 403 });
    case "skew":
    case "expired":
      return new ServiceError("RequestExpired", message, { status: 400 });
  }
}

function sendQueryError(reply: FastifyReply, err: unknown, service: QueryService, logger: Logger): void {
  let error: ServiceError;
  if (isServiceError(err)) error = err;
  else if (err instanceof BodyTooLargeError)
    error = new ServiceError("RequestEntityTooLarge", err.message, { status: 413 });
  else {
    logger.error({ err, requestId: reply.request.id }, "operation failed");
    error = new ServiceError(
      "InternalFailure",
      "The request processing has failed because of an unknown error.",
      { status: 500 },
    );
  }
  const type = error.status >= 500 ? "Receiver" : "Sender";
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${service.xmlNamespace}">` +
    `<Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${reply.request.id}</RequestId></ErrorResponse>`;
  void reply.status(error.status).headers(error.headers).header("content-type", "text/xml").send(xml);
}
