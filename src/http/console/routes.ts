import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { errorMessage, type Logger } from "../../core/index.js";
import type { AccessKeyLookup } from "../../services/iam/index.js";
import type { Principal } from "../../services/kit/index.js";
import { TooManyAttemptsError, type AuthThrottle } from "../auth-throttle.js";
import { readBody } from "../body.js";
import type { JsonAuthenticator } from "../json-protocol.js";
import type { ConsoleSessions } from "./sessions.js";
import { createStaticHandler, securityHeaders } from "./static-files.js";

/** The cookie that carries a console session's id: HttpOnly, SameSite=Strict, only under `/_/console`. */
export const SESSION_COOKIE = "pipewright-console";

/** What the console's routes need from the server. */
export interface ConsoleRouteDeps {
  keys: AccessKeyLookup;
  sessions: ConsoleSessions;
  throttle: AuthThrottle;
  region: string;
  /** The built console (`dist/web`). */
  webDir: string;
  /**
   * The JSON protocol's handler with its authentication step replaced by `authenticate` — the same
   * operation tables, input checks, IAM decision and rendering as `POST /` with SigV4.
   */
  jsonHandler: (
    authenticate: JsonAuthenticator,
  ) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /**
   * The S3 REST API under `/_/console/s3/…` with its principal given by `principal` — the same
   * routes, IAM decision and rendering as a SigV4 request to `/…`.
   */
  s3Handler?: (
    principal: (request: FastifyRequest) => Principal,
  ) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

/**
 * The console's routes under `/_/console`:
 *
 * - `GET|POST|DELETE /_/console/session`: who is signed in; sign in with an access key or a
 *   one-time link; sign out.
 * - `POST /_/console/api`: an AWS JSON-protocol request (`X-Amz-Target`, the operation's JSON
 *   input) run as the session's principal. The console has no private API: everything it does is
 *   an AWS operation, authorized as the CLI's would be.
 * - `/_/console/s3/<bucket>[/<key>]`: an S3 REST request (S3 has no JSON protocol), path-style,
 *   run as the session's principal; its body is not signed.
 * - `GET /_/console/…`: the built single-page app.
 *
 * Requests that change anything must come from the console's own page: they need the
 * `X-Pipewright-Console` header (which a cross-site form cannot send, and a cross-site script
 * cannot without a CORS preflight this server never answers), and an `Origin` or `Sec-Fetch-Site`,
 * when the browser sends one, must be this server's.
 */
export function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleRouteDeps): void {
  const principals = new WeakMap<FastifyRequest, Principal>();
  const runAsSession = deps.jsonHandler(async (request) => principals.get(request)!);

  app.get("/_/console/session", async (request, reply) => {
    const principal = await sessionPrincipal(request, deps);
    if (!principal) return notSignedIn(reply);
    return sendJson(reply, 200, identity(principal, deps.region));
  });

  app.post("/_/console/session", async (request, reply) => {
    if (!fromConsolePage(request)) return forbidden(reply);
    try {
      await deps.throttle.before(request.ip);
    } catch (err) {
      if (!(err instanceof TooManyAttemptsError)) throw err;
      void reply.header("retry-after", String(err.retryAfterSeconds));
      return sendError(reply, 429, "TooManyAttempts", err.message);
    }
    let body: { accessKeyId?: unknown; secretAccessKey?: unknown; signInToken?: unknown };
    try {
      body = JSON.parse((await readBody(request.raw, 16 * 1024)).toString("utf8")) as typeof body;
      if (typeof body !== "object" || body === null || Array.isArray(body))
        throw new TypeError("not an object");
    } catch {
      return sendError(
        reply,
        400,
        "InvalidRequest",
        "Send JSON: {accessKeyId, secretAccessKey} or {signInToken}.",
      );
    }
    const accessKeyId = await signInKey(body, deps);
    const key = accessKeyId === undefined ? undefined : await deps.keys.find(accessKeyId);
    if (accessKeyId === undefined || !key) {
      deps.throttle.failed(request.ip);
      const message =
        typeof body.signInToken === "string"
          ? "This sign-in link was used already or has expired. Restart the server for a new one, or sign in with an access key."
          : "The access key ID or the secret access key is not right.";
      return sendError(reply, 401, "InvalidCredentials", message);
    }
    const id = deps.sessions.create(accessKeyId);
    void reply.header(
      "set-cookie",
      `${SESSION_COOKIE}=${id}; Path=/_/console; HttpOnly; SameSite=Strict; Max-Age=${12 * 3600}`,
    );
    return sendJson(reply, 200, identity(key.principal, deps.region));
  });

  app.delete("/_/console/session", async (request, reply) => {
    if (!fromConsolePage(request)) return forbidden(reply);
    deps.sessions.end(sessionId(request));
    void reply
      .header("set-cookie", `${SESSION_COOKIE}=; Path=/_/console; HttpOnly; SameSite=Strict; Max-Age=0`)
      .headers(securityHeaders())
      .code(204)
      .send();
  });

  app.post("/_/console/api", async (request, reply) => {
    if (!fromConsolePage(request)) return forbidden(reply);
    const principal = await sessionPrincipal(request, deps);
    if (!principal) return notSignedIn(reply);
    principals.set(request, principal);
    return runAsSession(request, reply);
  });

  if (deps.s3Handler) {
    const runS3AsSession = deps.s3Handler((request) => principals.get(request)!);
    app.route({
      method: ["GET", "HEAD", "PUT", "POST", "DELETE"],
      url: "/_/console/s3/*",
      handler: async (request, reply) => {
        if (!fromConsolePage(request)) return forbidden(reply);
        const principal = await sessionPrincipal(request, deps);
        if (!principal) return notSignedIn(reply);
        principals.set(request, principal);
        return runS3AsSession(request, reply);
      },
    });
  }

  const serve = createStaticHandler(deps.webDir);
  app.get("/_/console", async (_request, reply) => reply.redirect("/_/console/", 302));
  app.get("/_/console/*", serve);
}

/** The access key a sign-in names, once its secret or its link checks out. */
async function signInKey(
  body: { accessKeyId?: unknown; secretAccessKey?: unknown; signInToken?: unknown },
  deps: ConsoleRouteDeps,
): Promise<string | undefined> {
  if (typeof body.signInToken === "string") return deps.sessions.useSignInLink(body.signInToken);
  if (typeof body.accessKeyId !== "string" || typeof body.secretAccessKey !== "string") return undefined;
  const key = await deps.keys.find(body.accessKeyId);
  if (!key) return undefined;
  const given = Buffer.from(body.secretAccessKey);
  const wanted = Buffer.from(key.secretAccessKey);
  return given.length === wanted.length && timingSafeEqual(given, wanted) ? body.accessKeyId : undefined;
}

/** The principal of the request's session, looked up by its key now: a deleted key ends its sessions. */
export async function sessionPrincipal(
  request: FastifyRequest,
  deps: Pick<ConsoleRouteDeps, "sessions" | "keys">,
): Promise<Principal | undefined> {
  const session = deps.sessions.find(sessionId(request));
  if (!session) return undefined;
  return (await deps.keys.find(session.accessKeyId))?.principal;
}

/**
 * Ends what a console session holds open (its pages' streams) with the session: calls `onEnd` at
 * once on sign-out, and at the first check, every `everyMs`, that finds the session or its access
 * key gone (deactivated or deleted). Returns what stops watching.
 */
export function guardSession(
  request: FastifyRequest,
  deps: Pick<ConsoleRouteDeps, "sessions" | "keys"> & { logger: Logger; everyMs?: number },
  onEnd: () => void,
): () => void {
  const unwatch = deps.sessions.watchEnd(sessionId(request), onEnd);
  const check = setInterval(() => {
    sessionPrincipal(request, deps)
      .then((principal) => {
        if (!principal) onEnd();
      })
      .catch((err: unknown) => {
        deps.logger.warn({ err: errorMessage(err) }, "console stream: session check failed");
        onEnd();
      });
  }, deps.everyMs ?? 15_000);
  return () => {
    clearInterval(check);
    unwatch();
  };
}

function sessionId(request: FastifyRequest): string | undefined {
  for (const part of String(request.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether a state-changing request comes from the console's own page (see registerConsoleRoutes). */
export function fromConsolePage(request: FastifyRequest): boolean {
  if (request.headers["x-pipewright-console"] !== "1") return false;
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin") return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return (
    origin === `http://${request.headers.host ?? ""}` || origin === `https://${request.headers.host ?? ""}`
  );
}

function identity(principal: Principal, region: string) {
  return { principal: { arn: principal.arn, accountId: principal.accountId }, region };
}

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .headers({ ...securityHeaders(), "content-type": "application/json", "cache-control": "no-store" })
    .send(JSON.stringify(body));
}

function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return sendJson(reply, status, { error: { code, message } });
}

function notSignedIn(reply: FastifyReply): FastifyReply {
  return sendError(reply, 401, "NotSignedIn", "Sign in to the console first.");
}

function forbidden(reply: FastifyReply): FastifyReply {
  return sendError(
    reply,
    403,
    "CrossSiteRequest",
    "Only the console's own page may send this request (X-Pipewright-Console: 1, same origin).",
  );
}
