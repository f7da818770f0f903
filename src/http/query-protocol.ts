import type { FastifyReply, FastifyRequest } from "fastify";
import { ServiceError, type Logger } from "../core/index.js";
import { formatValidationIssues, type AnyOperation, type QueryService } from "../services/kit/index.js";
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
import { escapeXml, toXmlElements } from "./xml.js";

/** What the Query protocol adapter needs. */
export interface QueryProtocolDeps extends PipelineDeps {
  services: readonly QueryService[];
}

/** The Query protocol's errors along the shared pipeline. */
const QUERY_ERRORS: ProtocolErrors = {
  authentication: {
    missing: {
      code: "MissingAuthenticationToken",
      status: 403,
      message: "Request is missing Authentication Token",
    },
    malformed: { code: "IncompleteSignature", status: 400 },
    "unknown-key": { code: "InvalidClientTokenId", status: 403 },
    signature: { code: "SignatureDoesNotMatch", status: 403 },
    scope: { code: "SignatureDoesNotMatch", status: 403 },
    skew: { code: "RequestExpired", status: 400 },
    expired: { code: "RequestExpired", status: 400 },
  },
  accessDenied: { code: "AccessDenied", status: 403 },
  tooLarge: { code: "RequestEntityTooLarge" },
};

/**
 * The AWS Query protocol: form-encoded `Action=…&Version=…` posted to `/` (or sent as a GET query),
 * answered in XML. The service is the one named in the signature's credential scope (IAM and STS
 * share the endpoint shape). Runs the shared pipeline (see operation-pipeline.ts); the body comes
 * first here, since the Action is in it.
 */
export function createQueryHandler(deps: QueryProtocolDeps) {
  const bySigningName = new Map(deps.services.map((s) => [s.signingName, s]));
  for (const service of deps.services) deps.shapes?.served(service.signingName, service.operations.keys());
  const fallback = deps.services[0]!;
  return async function handleQuery(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    let service = fallback;
    try {
      const body = await readRequestBody(request, deps);
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
      // AWS's IAM and STS global endpoints take signatures for us-east-1.
      const principal = await authenticateRequest(request, body, deps, QUERY_ERRORS, {
        service: service.signingName,
        alsoRegions: ["us-east-1"],
      });
      const operation = service.operations.get(action);
      if (!operation) {
        throw new ServiceError(
          "InvalidAction",
          `Could not find operation '${action}' for version ${params.get("Version") ?? "(none)"}`,
        );
      }
      const input = decodeQueryInput(params, operation, service);
      const ctx = requestContext(request, deps, principal);
      authorizeOperation(service.actionPrefix, operation, input, ctx, QUERY_ERRORS);
      const result = await invokeOperation(deps.store, operation, input, ctx);
      checkResponse(deps, service.signingName, operation, result, "query");
      const xml =
        `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${service.xmlNamespace}">` +
        // An operation without an output (UpdateSSHPublicKey) answers with the metadata alone.
        (result === undefined ? "" : `<${action}Result>${toXmlElements(result)}</${action}Result>`) +
        `<ResponseMetadata><RequestId>${request.id}</RequestId></ResponseMetadata></${action}Response>`;
      void reply.status(200).header("content-type", "text/xml").send(xml);
    } catch (err) {
      sendQueryError(reply, err, service, deps.logger);
    }
  };
}

/** Query's decoding step: the flat form parameters (without Action and Version), checked by the schema. */
function decodeQueryInput(params: URLSearchParams, operation: AnyOperation, service: QueryService): unknown {
  const fields = Object.fromEntries(params);
  delete fields.Action;
  delete fields.Version;
  const parsed = operation.input.safeParse(fields);
  if (!parsed.success) {
    throw new ServiceError(service.validationErrorCode, formatValidationIssues(parsed.error.issues));
  }
  return parsed.data;
}

/** The service a request's credential scope names (header or presigned query), or "". */
function claimedService(authorization: string | undefined, url: string | undefined): string {
  const credential =
    /Credential=([^,\s]+)/.exec(authorization ?? "")?.[1] ??
    new URLSearchParams((url ?? "").split("?")[1] ?? "").get("X-Amz-Credential") ??
    "";
  return decodeURIComponent(credential).split("/")[3] ?? "";
}

function sendQueryError(reply: FastifyReply, err: unknown, service: QueryService, logger: Logger): void {
  const error = asServiceError(err, QUERY_ERRORS, logger, reply.request.id);
  const type = error.status >= 500 ? "Receiver" : "Sender";
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${service.xmlNamespace}">` +
    `<Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${reply.request.id}</RequestId></ErrorResponse>`;
  void reply.status(error.status).headers(error.headers).header("content-type", "text/xml").send(xml);
}
