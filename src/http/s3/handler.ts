import { randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "../../core/index.js";
import { labelQueries } from "../../platform/store/index.js";
import { authorize } from "../../services/iam/index.js";
import type { Principal } from "../../services/kit/index.js";
import { s3Error, type S3Service } from "../../services/s3/index.js";
import type { ProtocolHandler } from "../app.js";
import { authenticate, type AuthDeps } from "../authenticate.js";
import type { VerifiedSignature } from "../sigv4.js";
import { s3Arn, type S3Call, type S3Reply } from "./call.js";
import { authFailureError, errorDocument, toS3Error } from "./errors.js";
import { parseTarget, type S3Target } from "./request.js";
import { selectRoute } from "./routes.js";

/** What the S3 REST adapter needs. */
export interface S3HandlerDeps extends AuthDeps {
  s3: S3Service;
  region: string;
  logger: Logger;
  /** Largest XML request document (DeleteObjects, CompleteMultipartUpload), in bytes. Default 2 MiB. */
  maxXmlBytes?: number;
}

/**
 * Who sends a request that reaches S3 another way than SigV4 (the console's session), and the
 * path prefix it comes under (`/_/console/s3`): the rest of the path is S3's.
 */
export interface S3SessionAuth {
  prefix: string;
  principal: (request: FastifyRequest) => Principal;
}

/**
 * The S3 REST API, path-style: parses the URL, verifies SigV4 (anonymous requests are refused),
 * picks the operation, asks IAM, runs it and writes the response. Every error of every operation
 * is rendered here and only here, as S3's XML `<Error>` (without a body for HEAD and 304). With
 * `session`, the request's principal is the session's instead, its body unsigned; the operation
 * tables, IAM decision and rendering are the same.
 */
export function createS3Handler(deps: S3HandlerDeps, session?: S3SessionAuth): ProtocolHandler {
  const maxXmlBytes = deps.maxXmlBytes ?? 2 * 1024 * 1024;
  return async function handleS3(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const req = request.raw;
    void reply
      .header("x-amz-request-id", request.id)
      .header("x-amz-id-2", randomBytes(24).toString("base64"));
    let target: S3Target | undefined;
    try {
      const url = req.url ?? "/";
      target = parseTarget(session ? url.slice(session.prefix.length) || "/" : url);
      if (isSigV2(req.headers.authorization, target.query)) {
        throw s3Error(
          "InvalidRequest",
          "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256. " +
            "(Signature Version 2 is not accepted here; AWS CLI v2 and current SDKs sign with Version 4.)",
        );
      }
      const auth = session
        ? { principal: session.principal(request), signature: unsignedSignature(deps.region) }
        : await authenticate(req, deps, { s3: true, scope: { service: "s3" } });
      if ("ok" in auth && !auth.ok) throw authFailureError(auth, url.includes("X-Amz-Credential="));
      const signature = auth.signature;
      if (!signature.presigned && signature.contentSha256 === undefined) {
        throw s3Error("InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
      }
      const route = selectRoute(req, target);
      const principal = auth.principal;
      const check = (action: string, resource: string) => {
        const decision = authorize(principal, action, resource);
        if (!decision.allowed)
          throw s3Error("AccessDenied", `Access Denied: ${principal.arn} may not ${action} on ${resource}`);
      };
      const bucket = target.bucket ?? "";
      const key = target.key ?? "";
      check(route.action, bucket === "" ? "*" : s3Arn(bucket, target.key));
      const call: S3Call = {
        req,
        target,
        bucket,
        key,
        query: target.query,
        caller: { accountId: principal.accountId, arn: principal.arn },
        signature,
        s3: deps.s3,
        region: deps.region,
        maxXmlBytes,
        authorize: check,
      };
      await send(reply, await labelQueries(route.operation, () => route.handle(call)));
    } catch (err) {
      sendError(reply, err, target?.resource ?? "/", deps.logger);
    }
  };
}

/** What a session's request stands for in place of a signature: an unsigned payload, no chunks. */
function unsignedSignature(region: string): VerifiedSignature {
  return {
    ok: true,
    accessKeyId: "",
    region,
    service: "s3",
    scope: "",
    amzDate: "",
    signingKey: Buffer.alloc(0),
    signature: "",
    contentSha256: "UNSIGNED-PAYLOAD",
    presigned: false,
  };
}

/** A request signed with Signature Version 2: `Authorization: AWS <key>:<sig>`, or a presigned V2 URL. */
function isSigV2(authorization: string | undefined, query: Map<string, string>): boolean {
  if (authorization?.startsWith("AWS ")) return true;
  return query.has("Signature") && query.has("AWSAccessKeyId") && !query.has("X-Amz-Algorithm");
}

/**
 * Sends a route's reply and waits until it is written: Fastify would otherwise take an async
 * handler that resolves while a stream body is still flowing as one that sent nothing.
 */
async function send(reply: FastifyReply, out: S3Reply): Promise<void> {
  void reply.status(out.status).headers(out.headers ?? {});
  if (out.body === undefined && out.status === 200 && reply.request.method !== "HEAD") {
    void reply.header("content-length", 0);
  }
  await reply.send(out.body);
}

/** Largest unread request body drained after an error; a larger one closes the connection instead. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

function sendError(reply: FastifyReply, err: unknown, resource: string, logger: Logger): void {
  const req = reply.request.raw;
  const error = toS3Error(err, logger, reply.request.id);
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  if (!req.complete && !req.destroyed) {
    req.unpipe();
    if (Number(req.headers["content-length"] ?? 0) > DRAIN_LIMIT || error.code === "EntityTooLarge") {
      // Reading gigabytes only to throw them away is worse than a new connection.
      void reply.header("connection", "close");
    } else {
      // A small unread rest is drained, so the connection stays usable for the next request.
      req.resume();
    }
  }
  void reply.status(error.status).headers(error.headers);
  if (req.method === "HEAD" || error.status === 304) {
    void reply.send();
    return;
  }
  void reply.header("content-type", "application/xml").send(errorDocument(error, resource, reply.request.id));
}
