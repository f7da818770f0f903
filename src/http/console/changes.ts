import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Bus, BusEvent } from "../../platform/bus/index.js";
import { authorize } from "../../services/iam/index.js";
import type { Principal } from "../../services/kit/index.js";

/** `GET /_/console/changes`: what changed, pushed to the console's open page (Server-Sent Events). */
export const CONSOLE_CHANGES_ROUTE = "/_/console/changes";

/** The event of a change that the console's pages show, written by a service in the changing transaction. */
export const LIFECYCLE_EVENT = "CodeDeploy Lifecycle Event Change";

/**
 * One change as the console learns it: which service, and the resource it is about. It names a
 * resource and nothing more (no status, no log): the page asks again, through the AWS operations,
 * for what it shows, so the push reveals nothing the principal could not already read.
 */
export type ConsoleChange =
  | { service: "codebuild"; project: string; buildArn: string }
  | { service: "codepipeline"; pipeline: string }
  | { service: "codedeploy"; deploymentId: string; application: string; deploymentGroup: string }
  | { service: "codecommit"; repository: string };

/** A change, with the read permission (action on resource) a principal needs to be told of it. */
interface Routed {
  change: ConsoleChange;
  action: string;
  resource: string;
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The console change an event reports, or undefined for events no page shows. */
export function consoleChangeOf(event: BusEvent): Routed | undefined {
  const d = event.detail;
  const resource = event.resources[0];
  if (resource === undefined) return undefined;
  switch (event.source) {
    case "aws.codebuild": {
      const project = text(d["project-name"]);
      const buildArn = text(d["build-id"]);
      if (!project || !buildArn) return undefined;
      return {
        change: { service: "codebuild", project, buildArn },
        action: "codebuild:BatchGetBuilds",
        resource,
      };
    }
    case "aws.codepipeline": {
      const pipeline = text(d.pipeline);
      if (!pipeline) return undefined;
      return {
        change: { service: "codepipeline", pipeline },
        action: "codepipeline:GetPipelineState",
        resource,
      };
    }
    case "aws.codedeploy":
    case "pipewright.codedeploy": {
      const deploymentId = text(d.deploymentId);
      const application = text(d.application);
      const deploymentGroup = text(d.deploymentGroup);
      if (!deploymentId || !application || !deploymentGroup) return undefined;
      // The group's ARN: the resource GetDeployment is authorized on.
      const group = event.resources.find((arn) => arn.includes(":deploymentgroup:")) ?? resource;
      return {
        change: { service: "codedeploy", deploymentId, application, deploymentGroup },
        action: "codedeploy:GetDeployment",
        resource: group,
      };
    }
    case "aws.codecommit": {
      const names = Array.isArray(d.repositoryNames) ? d.repositoryNames : [d.repositoryName];
      const repository = text(names[0]);
      if (!repository) return undefined;
      return { change: { service: "codecommit", repository }, action: "codecommit:GetRepository", resource };
    }
    default:
      return undefined;
  }
}

/** What the route needs from the server. */
export interface ConsoleChangesDeps {
  bus: Bus;
  /** The session's principal of a request, or undefined when it has none (or it ended). */
  principalOf: (request: FastifyRequest) => Promise<Principal | undefined>;
  /** Calls `onEnd` when the request's session ends (routes.ts `guardSession`); returns what stops it. */
  guardSession: (request: FastifyRequest, onEnd: () => void) => () => void;
  /** How often an idle stream sends a comment; default 15 000 ms. */
  heartbeatMs?: number;
}

interface Listener {
  principal: Principal;
  send(change: ConsoleChange): void;
}

/**
 * Pushes changes to the console's open pages: builds (state and phase changes), pipeline
 * executions, stages and actions, deployments, instances and their lifecycle events, and
 * repositories (pushes, pull requests, comments), as soon as the change commits.
 *
 * - The stream needs the console's session (403 without it) and ends when the session does: at
 *   once on sign-out, and at the next 15 s check when its key is deactivated or deleted.
 * - Each change is sent only to sessions whose principal belongs to the event's account and may
 *   read the resource (the same IAM decision as the read operation the page then sends).
 * - `event: ready` is sent first, so the page knows changes are pushed and can stop polling.
 *
 * Changes reach this process's bus subscriber once they commit here, or through PostgreSQL's
 * NOTIFY when another process commits them.
 */
export function registerConsoleChanges(app: FastifyInstance, deps: ConsoleChangesDeps): void {
  const listeners = new Set<Listener>();
  deps.bus.subscribe(
    "http.console-changes",
    async (event) => {
      const routed = consoleChangeOf(event);
      if (!routed) return;
      for (const listener of listeners) {
        const { principal } = listener;
        if (principal.accountId !== event.account) continue;
        if (!authorize(principal, routed.action, routed.resource).allowed) continue;
        listener.send(routed.change);
      }
    },
    { filter: (event) => consoleChangeOf(event) !== undefined, startAt: "latest" },
  );
  const open = new Set<AbortController>();
  app.addHook("preClose", (done) => {
    for (const controller of open) controller.abort();
    done();
  });

  app.get(CONSOLE_CHANGES_ROUTE, async (request, reply) => {
    const principal = await deps.principalOf(request);
    if (!principal) {
      return reply.code(403).type("text/plain").send("NotSignedIn: sign in to the console first\n");
    }
    const controller = new AbortController();
    open.add(controller);
    const unguard = deps.guardSession(request, () => controller.abort());
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    });
    res.write("event: ready\ndata: {}\n\n");
    const listener: Listener = {
      principal,
      send: (change) => void res.write(`data: ${JSON.stringify(change)}\n\n`),
    };
    listeners.add(listener);
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), deps.heartbeatMs ?? 15_000);
    const close = () => {
      unguard();
      clearInterval(heartbeat);
      listeners.delete(listener);
      open.delete(controller);
      res.end();
    };
    res.on("close", () => controller.abort());
    controller.signal.addEventListener("abort", close, { once: true });
  });
}
