import path from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "../core/index.js";
import type { CodeCommitGit, GitRepositoryHandle } from "../services/codecommit/index.js";
import { authorize } from "../services/iam/index.js";
import type { Principal } from "../services/kit/index.js";
import { readCgiHead } from "./cgi-response.js";
import type { AuthThrottle } from "./auth-throttle.js";
import { TooManyAttemptsError } from "./auth-throttle.js";
import { authenticateGit, type GitAuthDeps } from "./git-auth.js";
import { gitServiceAction, startGitProcess, type GitService } from "./git-process.js";

/** What git over HTTP needs from the server. */
export interface GitHttpDeps extends GitAuthDeps {
  git: CodeCommitGit;
  accountId: string;
  logger: Logger;
  /** Failed authentications per source slow that source's next attempts (shared with SSH). */
  throttle: AuthThrottle;
}

/** `WWW-Authenticate` of a 401: git then asks its credential helpers (or the user) and retries. */
const REALM = 'Basic realm="Pipewright CodeCommit"';

/** What one request under `/v1/repos/<name>/` asks for. */
interface GitRequest {
  name: string;
  /** The path below the repository, as `git http-backend` expects it. */
  subPath: string;
  service: GitService;
  /** A `git-receive-pack` POST: the only request that can move refs. */
  push: boolean;
}

/** The files of the dumb HTTP protocol, as `git http-backend` serves them. */
const DUMB_FILES = [
  /^HEAD$/,
  /^objects\/info\/(alternates|http-alternates|packs)$/,
  /^objects\/[0-9a-f]{2}\/[0-9a-f]{38}(?:[0-9a-f]{24})?$/,
  /^objects\/pack\/pack-[0-9a-f]{40}(?:[0-9a-f]{24})?\.(pack|idx)$/,
];

/**
 * Classifies a request: the smart protocol's three URLs (`info/refs?service=…`, `git-upload-pack`,
 * `git-receive-pack`) and the dumb protocol's files; anything else is answered 404 or 405 here,
 * so `git http-backend` only ever sees requests it is meant to serve.
 */
function classify(
  method: string,
  rest: string,
  query: URLSearchParams,
): GitRequest | { status: 404 | 405 | 400; message: string } {
  const slash = rest.indexOf("/");
  const name = slash < 0 ? rest : rest.slice(0, slash);
  const subPath = slash < 0 ? "" : rest.slice(slash + 1);
  const notFound = { status: 404 as const, message: "Not found\n" };
  const wrongMethod = { status: 405 as const, message: `${method} is not allowed here\n` };
  if (name === "" || subPath === "") return notFound;
  if (subPath === "info/refs") {
    if (method !== "GET") return wrongMethod;
    const service = query.get("service");
    if (service === null) return { name, subPath, service: "git-upload-pack", push: false };
    if (service !== "git-upload-pack" && service !== "git-receive-pack") {
      return {
        status: 400,
        message: `Unsupported service '${service}': git-upload-pack or git-receive-pack\n`,
      };
    }
    return { name, subPath, service, push: false };
  }
  if (subPath === "git-upload-pack" || subPath === "git-receive-pack") {
    if (method !== "POST") return wrongMethod;
    return { name, subPath, service: subPath, push: subPath === "git-receive-pack" };
  }
  if (DUMB_FILES.some((re) => re.test(subPath))) {
    if (method !== "GET") return wrongMethod;
    return { name, subPath, service: "git-upload-pack", push: false };
  }
  return notFound;
}

function sendText(
  reply: FastifyReply,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  void reply
    .status(status)
    .headers({ "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache", ...headers })
    .send(text);
}

/**
 * Git's smart HTTP protocol at `/v1/repos/<name>` (CodeCommit's clone URL path), served by the real
 * `git http-backend` as a CGI program: request bodies stream into it and its output streams back,
 * so no pack is ever held in memory. Authentication is HTTP Basic (a service-specific credential, or
 * the AWS CLI credential helper's SigV4 password); then the repository is looked up (404 after
 * authentication, so names do not leak) and IAM decides `codecommit:GitPull` / `GitPush` (403).
 */
export function registerGitHttpRoutes(app: FastifyInstance, deps: GitHttpDeps): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const rawUrl = request.raw.url ?? "/";
    const q = rawUrl.indexOf("?");
    const pathname = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const queryString = q < 0 ? "" : rawUrl.slice(q + 1);
    const classified = classify(
      request.method,
      pathname.slice("/v1/repos/".length),
      new URLSearchParams(queryString),
    );
    if ("status" in classified) return sendText(reply, classified.status, classified.message);

    const authorization = request.headers.authorization;
    // git's first request carries no credentials: that is a question, not a failed guess.
    if (authorization === undefined) {
      return sendText(reply, 401, "Authentication required\n", { "www-authenticate": REALM });
    }
    try {
      await deps.throttle.before(request.ip);
    } catch (err) {
      if (!(err instanceof TooManyAttemptsError)) throw err;
      return sendText(reply, 429, `${err.message}\n`, { "retry-after": String(err.retryAfterSeconds) });
    }
    const principal = await authenticateGit(
      authorization,
      { repositoryPath: `/v1/repos/${classified.name}`, host: request.headers.host },
      deps,
    );
    if (!principal) {
      deps.throttle.failed(request.ip);
      return sendText(reply, 401, "Authentication required\n", { "www-authenticate": REALM });
    }
    const repository = await deps.git.findRepository(
      { accountId: deps.accountId, region: deps.region },
      classified.name,
    );
    if (!repository) return sendText(reply, 404, `Repository '${classified.name}' does not exist\n`);
    const action = gitServiceAction(classified.service);
    const decision = authorize(principal, action, repository.arn);
    if (!decision.allowed) {
      return sendText(
        reply,
        403,
        `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${repository.arn}\n`,
      );
    }
    await serveCgi(request, reply, deps, { ...classified, repository, principal });
  };
  app.route({
    method: ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH"],
    url: "/v1/repos/*",
    handler,
  });
}

type ServeTarget = GitRequest & { repository: GitRepositoryHandle; principal: Principal };

/** Runs `git http-backend` for one request and streams both ways. */
async function serveCgi(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: GitHttpDeps,
  target: ServeTarget,
): Promise<void> {
  const req = request.raw;
  const headers = request.headers;
  const env: Record<string, string> = {
    // The repository directory is named by id: the client's name never reaches the file system.
    GIT_PROJECT_ROOT: path.dirname(target.repository.gitDir),
    PATH_INFO: `/${path.basename(target.repository.gitDir)}/${target.subPath}`,
    GIT_HTTP_EXPORT_ALL: "1",
    REMOTE_USER: target.principal.userName,
    REMOTE_ADDR: request.ip,
    REQUEST_METHOD: request.method,
    QUERY_STRING: target.subPath === "info/refs" ? `service=${target.service}` : "",
    CONTENT_TYPE: String(headers["content-type"] ?? ""),
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
  };
  const encoding = headers["content-encoding"];
  if (typeof encoding === "string") env.HTTP_CONTENT_ENCODING = encoding;
  // Protocol v2: the client's `Git-Protocol: version=2` reaches upload-pack as GIT_PROTOCOL.
  const protocol = headers["git-protocol"];
  if (typeof protocol === "string" && /^[A-Za-z0-9=:._-]{1,256}$/.test(protocol)) env.GIT_PROTOCOL = protocol;
  // Without CONTENT_LENGTH (a chunked body) http-backend reads its input to the end.
  const length = headers["content-length"];
  if (typeof length === "string" && /^\d+$/.test(length) && headers["transfer-encoding"] === undefined) {
    env.CONTENT_LENGTH = length;
  }

  reply.hijack();
  const res = reply.raw;
  const git = startGitProcess({
    git: deps.git,
    repository: target.repository,
    principal: target.principal,
    args: ["http-backend"],
    env,
    recordPush: target.push,
    logger: deps.logger,
  });

  let clientGone = false;
  const onGone = () => {
    if (res.writableFinished) return;
    clientGone = true;
    // EOF for git: a pack cut off mid-stream fails to unpack and the push changes nothing.
    git.stdin.destroy();
    git.stdout.unpipe(res);
    git.stdout.resume();
    // A push is left to finish (and be recorded); a fetch nobody reads is stopped.
    if (!target.push) git.kill();
  };
  req.once("close", () => {
    if (!req.complete) onGone();
  });
  res.once("close", onGone);
  req.on("error", () => undefined);
  res.on("error", () => undefined);
  req.pipe(git.stdin);

  let head;
  try {
    head = await readCgiHead(git.stdout);
  } catch (err) {
    deps.logger.error({ err, stderr: git.stderr() }, "git http-backend wrote no valid CGI header");
    git.kill();
  }
  if (!head) {
    const result = await git.finished;
    if (!clientGone && !res.headersSent) {
      res.writeHead(500, { "content-type": "text/plain", "x-amzn-RequestId": request.id });
      res.end(`git http-backend failed (exit ${result.exitCode ?? result.signal})\n`);
    }
    return;
  }
  const stdoutDone = new Promise<void>((resolve) => {
    git.stdout.once("end", resolve);
    git.stdout.once("close", resolve);
  });
  if (!clientGone) {
    res.writeHead(head.status, [...head.headers.flat(), "x-amzn-RequestId", request.id]);
    git.stdout.pipe(res, { end: false });
  } else {
    git.stdout.resume();
  }
  // The push's events are committed before the response ends, so `git push` returns after them.
  await Promise.all([git.finished, stdoutDone]);
  if (!clientGone) res.end();
}
