/**
 * The one shape every service takes towards the server. A service is mostly not request handlers:
 * it is API tables plus work the server runs for it — queue jobs, event subscriptions, start-up
 * recovery. A module *declares* all of that; the server registers what every module declares in
 * one loop (src/http/server.ts), so nothing subscribes or schedules as a side effect of being
 * built, and a reader finds everything a service asks of the server in one place.
 *
 * Cross-service calls (a trigger starting a build; later a pipeline starting a build or a
 * deployment) go through narrow interfaces that the called module exposes beside this one and the
 * calling module declares in its deps; a module never reaches into another's tables.
 */
import type { EventHandler, SubscribeOptions } from "../../platform/bus/index.js";
import type { JobHandler } from "../../platform/queue/index.js";
import type { Pruner } from "../../platform/retention/index.js";
import type { JsonService, QueryService } from "./operation.js";

/**
 * Which worker pool runs a job kind: `builds` (as many at once as builds may run; long, each holds
 * a build slot) or `background` (timers, deliveries: short, and never waiting behind builds).
 */
export type JobPool = "builds" | "background";

/** A kind of queue job a module enqueues, and what runs it. */
export interface JobDeclaration {
  readonly kind: string;
  readonly pool: JobPool;
  readonly handler: JobHandler;
}

/** A bus subscriber a module needs: its name is where its progress is stored, so keep it stable. */
export interface SubscriptionDeclaration {
  readonly name: string;
  readonly handler: EventHandler;
  readonly options?: SubscribeOptions;
}

/** What a service declares to the server. */
export interface ServiceModule {
  /** The service's short name, for logs (e.g. `codebuild`). */
  readonly name: string;
  /**
   * Its API over the AWS JSON protocol, if it speaks it; several when it has more than one face
   * (CodeDeploy: its public API and the command service its agents poll).
   */
  readonly json?: JsonService | readonly JsonService[];
  /** Its API over the AWS Query protocol, if it speaks it. */
  readonly query?: QueryService;
  /** Queue job kinds it enqueues (timers are jobs that run at a time). */
  readonly jobs?: readonly JobDeclaration[];
  /** Bus subscribers. */
  readonly subscriptions?: readonly SubscriptionDeclaration[];
  /**
   * Start-up recovery: makes good what a previous process left half done (a build it was running,
   * a push it took but did not record). Runs once, in module order, before any worker or
   * subscriber starts and before the first request.
   */
  recover?(): Promise<void>;
  /**
   * Its own history that the server's retention sweeper deletes once older than the retention
   * period (markers of handled events, say). What users look back on (builds, executions,
   * deployments) is not declared here: it is kept.
   */
  readonly retention?: readonly Pruner[];
}

/** Every JSON API a module speaks. */
export function jsonServicesOf(module: ServiceModule): JsonService[] {
  if (module.json === undefined) return [];
  return Array.isArray(module.json)
    ? [...(module.json as readonly JsonService[])]
    : [module.json as JsonService];
}
