import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { newRequestId } from "../core/index.js";

/** A handler for one protocol; it writes the whole response itself. */
export type ProtocolHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** The protocol handlers the one HTTP port dispatches to. */
export interface AppRoutes {
  json: ProtocolHandler;
  query: ProtocolHandler;
  /** The S3 REST API: every request that is not one of the others. */
  s3: ProtocolHandler;
  /** Extra routes under `/_/` (console, runners, live logs). */
  internal?: (app: FastifyInstance) => void;
}

/**
 * The one HTTP endpoint. `POST /` with `X-Amz-Target` is the JSON protocol, `POST /` with a form is
 * the Query protocol, `/_/…` is Pipewright's own, and everything else is S3 (path-style), exactly
 * as the architecture's routing table says.
 */
export function buildApp(routes: AppRoutes): FastifyInstance {
  const app = Fastify({
    logger: false,
    genReqId: () => newRequestId(),
    requestIdHeader: false,
    exposeHeadRoutes: false,
    forceCloseConnections: "idle",
    // S3 keys can be long; the router must not truncate them.
    routerOptions: { maxParamLength: 4096 },
    // A path the router cannot decode (`/bucket/a%zz`) is still an S3 request: S3 answers it, in
    // its own XML (InvalidURI), rather than Fastify in JSON. Pipewright's own routes get text.
    frameworkErrors: (error, request, reply) => {
      if (error.code === "FST_ERR_BAD_URL" && !/^\/(_|v1\/repos)\//.test(request.url)) {
        void routes.s3(request, reply);
        return;
      }
      void (reply as FastifyReply).code(400).type("text/plain").send(`${error.message}\n`);
    },
  });
  // Bodies are read by each protocol (buffered with a limit, or streamed for S3), never by Fastify.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null));
  app.addHook("onRequest", async (request, reply) => {
    void reply.header("x-amzn-RequestId", request.id);
  });

  app.get("/_/health", async () => ({ status: "ok" }));
  routes.internal?.(app);

  const dispatchRoot: ProtocolHandler = async (request, reply) => {
    if (request.headers["x-amz-target"] !== undefined) return routes.json(request, reply);
    // A person opening the server's address gets the console; S3's ListBuckets is always signed.
    if (isBrowserVisit(request)) return void reply.redirect("/_/console/", 302);
    const type = String(request.headers["content-type"] ?? "").toLowerCase();
    if (request.method === "POST" && type.startsWith("application/x-www-form-urlencoded")) {
      return routes.query(request, reply);
    }
    return routes.s3(request, reply);
  };
  app.route({
    method: ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH"],
    url: "/",
    handler: dispatchRoot,
  });
  app.route({
    method: ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH"],
    url: "/*",
    handler: routes.s3,
  });
  return app;
}

/** Whether `GET /` is a browser's visit for a page, unsigned: not an S3 request, which is signed. */
export function isBrowserVisit(request: FastifyRequest): boolean {
  if (request.method !== "GET" || request.headers.authorization !== undefined) return false;
  if (/[?&]X-Amz-(Credential|Signature)=/i.test(request.url)) return false;
  return String(request.headers.accept ?? "").includes("text/html");
}
