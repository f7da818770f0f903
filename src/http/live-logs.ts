import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { errorMessage, type Logger } from "../core/index.js";
import type { Bus } from "../platform/bus/index.js";
import type { Store } from "../platform/store/index.js";
import { findBuildLogRef, type BuildLogRef } from "../services/codebuild/index.js";
import { authorize } from "../services/iam/index.js";
import type { Principal } from "../services/kit/index.js";
import {
  findLogStreamId,
  readLogEventsAfter,
  watchLogStream,
  type StoredLogEvent,
} from "../services/logs/index.js";
import { authenticate, type AuthDeps } from "./authenticate.js";
import { hasSignature } from "./sigv4.js";

/** What the live log route needs from the server. */
export interface LiveLogDeps extends AuthDeps {
  store: Store;
  /** Build state changes wake streams of builds that end without a last line. */
  bus: Bus;
  accountId: string;
  region: string;
  logger: Logger;
  /** How often an idle stream looks for lines appended by another process; default 1000 ms. */
  pollMs?: number;
  /** Lines read from the store per query; default 2000. */
  pageSize?: number;
  /** How often an idle stream sends a comment so proxies keep it open; default 15 000 ms. */
  heartbeatMs?: number;
  /**
   * The console's session principal of a request, if it has one: the same stream is then served
   * at {@link CONSOLE_LIVE_LOG_ROUTE} for the console's page (an EventSource cannot sign).
   */
  consolePrincipal?: (request: FastifyRequest) => Promise<Principal | undefined>;
  /** Calls `onEnd` when the request's console session ends (routes.ts `guardSession`); its stream ends then. */
  guardConsoleSession?: (request: FastifyRequest, onEnd: () => void) => () => void;
}

/** The route: `GET /_/codebuild/builds/<build id>/logs/stream` (the id URL-encoded or not). */
export const LIVE_LOG_ROUTE = "/_/codebuild/builds/:id/logs/stream";

/** The same stream for the console's page, under the path its session cookie is sent to. */
export const CONSOLE_LIVE_LOG_ROUTE = "/_/console/codebuild/builds/:id/logs/stream";

/** The whole log as plain text: `GET /_/codebuild/logs/<build id>`, the build's `logs.deepLink`. */
export const TEXT_LOG_ROUTE = "/_/codebuild/logs/:id";

// SHA-256 of the empty body: this route never reads one, and a header-signed GET signs this hash.
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * A build's log, live, over Server-Sent Events: `GET /_/codebuild/builds/<build id>/logs/stream`.
 *
 * - Signed with SigV4 for service `codebuild` (an `Authorization` header or a presigned URL);
 *   anything else gets 403, an unknown build 404.
 * - Each stored line is one event, `id: <seq>` (the line's sequence number in its log stream) and
 *   `data: {"timestamp": <epoch ms>, "message": "<line>"}`. Lines already stored come first, then
 *   new ones as they are appended. `Last-Event-ID: <seq>` resumes after that line.
 * - When the build has ended and every line is sent: `event: end` with
 *   `data: {"buildStatus": "SUCCEEDED", "buildComplete": true}`, and the response ends.
 * - `?follow=false`: only the lines stored now, then `end` with the status at that moment.
 *
 * Streams wake when lines are appended in this process, and poll every `pollMs` for appends made
 * elsewhere; they read the store in pages and wait for the client to drain each, so memory stays
 * flat however long the log.
 */
export function registerLiveLogRoutes(app: FastifyInstance, deps: LiveLogDeps): void {
  const ended = new EventEmitter();
  ended.setMaxListeners(0);
  deps.bus.subscribe(
    "http.live-logs",
    async (event) => {
      ended.emit(String(event.detail["build-id"]));
    },
    { filter: (e) => e["detail-type"] === "CodeBuild Build State Change", startAt: "latest" },
  );
  // An open stream is not an idle connection: without this, closing the app would wait for every
  // followed build to end.
  const open = new Set<AbortController>();
  app.addHook("preClose", (done) => {
    for (const controller of open) controller.abort();
    done();
  });
  const stream =
    (principalOf: PrincipalOf, guard?: LiveLogDeps["guardConsoleSession"]) =>
    async (
      request: FastifyRequest<{ Params: { id: string }; Querystring: { follow?: string } }>,
      reply: FastifyReply,
    ) => {
      const ref = await authorizeRequest(request, reply, deps, principalOf);
      if (!ref) return;
      const lastId = request.headers["last-event-id"];
      const after = lastId === undefined || lastId === "" ? -1 : Number(lastId);
      if (!Number.isSafeInteger(after) || after < -1) {
        return reply
          .code(400)
          .type("text/plain")
          .send(`Last-Event-ID must be a line number, got ${lastId}\n`);
      }
      const controller = new AbortController();
      open.add(controller);
      const unguard = guard?.(request, () => controller.abort());
      reply.hijack();
      const res = reply.raw;
      res.on("close", () => controller.abort());
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
        "x-amzn-RequestId": request.id,
      });
      const follow = request.query.follow !== "false";
      try {
        await pump(res, ref, after, follow, controller.signal, deps, ended);
      } catch (err) {
        deps.logger.warn({ buildId: ref.buildId, err: errorMessage(err) }, "live log stream failed");
      } finally {
        unguard?.();
        open.delete(controller);
        res.end();
      }
    };
  app.get(LIVE_LOG_ROUTE, stream(signedPrincipal(deps)));
  const consolePrincipal = deps.consolePrincipal;
  if (consolePrincipal) {
    app.get(
      CONSOLE_LIVE_LOG_ROUTE,
      stream(async (request) => {
        const principal = await consolePrincipal(request);
        return principal
          ? { ok: true, principal }
          : { ok: false, message: "NotSignedIn: sign in to the console first" };
      }, deps.guardConsoleSession),
    );
  }
  // A build's whole log as plain text (the build's `logs.deepLink`), signed like the stream: logs
  // are the build's business, not the public's. Sent page by page with back-pressure.
  app.get<{ Params: { id: string } }>(TEXT_LOG_ROUTE, async (request, reply) => {
    // A browser opening the link sends no signature: it is sent to the build's page in the console,
    // which shows the log to whoever is signed in there and may read it.
    if (!hasSignature(request.raw.rawHeaders, request.url)) {
      return reply
        .header("cache-control", "no-store")
        .redirect(`/_/console/codebuild/builds/${encodeURIComponent(request.params.id)}`, 302);
    }
    const ref = await authorizeRequest(request, reply, deps, signedPrincipal(deps));
    if (!ref) return;
    const db = deps.store.db;
    const streamId = await findLogStreamId(db, ref);
    async function* pages(): AsyncGenerator<string> {
      if (streamId === undefined) return;
      for (let after = -1; ;) {
        const page = await readLogEventsAfter(db, streamId, after, deps.pageSize ?? 2000);
        if (page.length === 0) return;
        yield page.map((e) => `${e.message}\n`).join("");
        after = page.at(-1)!.seq;
      }
    }
    return reply.type("text/plain; charset=utf-8").send(Readable.from(pages()));
  });
}

/** Who sent a request, or why nobody is known. */
type PrincipalOf = (
  request: FastifyRequest,
) => Promise<{ ok: true; principal: Principal } | { ok: false; message: string }>;

/** SigV4 for service `codebuild`, as a header or a presigned URL. */
function signedPrincipal(deps: LiveLogDeps): PrincipalOf {
  return async (request) => {
    const auth = await authenticate(request.raw, deps, {
      s3: false,
      bodySha256: EMPTY_SHA256,
      scope: { service: "codebuild" },
    });
    return auth.ok
      ? { ok: true, principal: auth.principal }
      : { ok: false, message: `${auth.reason}: ${auth.message}` };
  };
}

/** Authenticates and authorizes the request, and finds the build; answers the error itself. */
async function authorizeRequest(
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  deps: LiveLogDeps,
  principalOf: PrincipalOf,
): Promise<BuildLogRef | undefined> {
  const deny = (message: string) => reply.code(403).type("text/plain").send(`${message}\n`);
  const auth = await principalOf(request);
  if (!auth.ok) return void (await deny(auth.message));
  const ref = await findBuildLogRef(deps.store.db, deps, request.params.id);
  if (!ref) {
    return void (await reply.code(404).type("text/plain").send(`Build ${request.params.id} not found\n`));
  }
  const decision = authorize(auth.principal, "codebuild:BatchGetBuilds", ref.buildArn);
  if (!decision.allowed) return void (await deny(decision.reason));
  return ref;
}

/** Sends lines after `after` until the build ends (or at once without `follow`), then `end`. */
async function pump(
  res: ServerResponse,
  ref: BuildLogRef,
  after: number,
  follow: boolean,
  signal: AbortSignal,
  deps: LiveLogDeps,
  ended: EventEmitter,
): Promise<void> {
  const db = deps.store.db;
  const pageSize = deps.pageSize ?? 2000;
  // Set by a wake that comes while lines are being read, so the next wait does not miss it.
  const wakes = { pending: false, wake: undefined as (() => void) | undefined };
  const poke = () => {
    wakes.pending = true;
    wakes.wake?.();
  };
  const unwatch = watchLogStream(ref, poke);
  ended.on(ref.buildArn, poke);
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), deps.heartbeatMs ?? 15_000);
  try {
    let streamId: number | undefined;
    for (;;) {
      wakes.pending = false;
      // The status is read before the lines: a build seen complete has appended its last line, so
      // the pages read next hold everything and `end` can follow them.
      const now = await findBuildLogRef(db, deps, ref.buildId);
      streamId ??= await findLogStreamId(db, ref);
      for (let page: StoredLogEvent[] = []; streamId !== undefined;) {
        page = await readLogEventsAfter(db, streamId, after, pageSize);
        if (page.length === 0) break;
        after = page[page.length - 1]!.seq;
        if (!(await send(res, page.map(formatEvent).join(""), signal))) return;
        if (page.length < pageSize) break;
      }
      if (!now || now.buildComplete || !follow) {
        const status = { buildStatus: now?.buildStatus, buildComplete: now?.buildComplete ?? true };
        await send(res, `event: end\ndata: ${JSON.stringify(status)}\n\n`, signal);
        return;
      }
      if (!wakes.pending) await sleep(deps.pollMs ?? 1000, signal, (w) => (wakes.wake = w));
      wakes.wake = undefined;
      if (signal.aborted) return;
    }
  } finally {
    clearInterval(heartbeat);
    unwatch();
    ended.off(ref.buildArn, poke);
  }
}

function formatEvent(e: StoredLogEvent): string {
  // JSON keeps a line with a carriage return in one `data:` field, and an empty line from being
  // an empty event (which EventSource would drop).
  return `id: ${e.seq}\ndata: ${JSON.stringify({ timestamp: e.timestamp, message: e.message })}\n\n`;
}

/** Writes `chunk` and waits for the client to take it; false once the client is gone. */
async function send(res: ServerResponse, chunk: string, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (res.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.on("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
  return !signal.aborted;
}

/** Waits `ms`, or until the function handed to `onWake` is called, or `signal` aborts. */
function sleep(ms: number, signal: AbortSignal, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    onWake(done);
  });
}
