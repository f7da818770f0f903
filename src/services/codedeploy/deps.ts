import type { Kysely } from "kysely";
import type { Clock, Logger } from "../../core/index.js";
import type { Bus } from "../../platform/bus/index.js";
import type { Queue } from "../../platform/queue/index.js";
import type { RevisionObjects } from "./deployments/operations.js";
import type { AlarmChecks, DeploymentTimeouts, TrafficControl } from "./deployments/runtime.js";
import type { Database, Store } from "../../platform/store/index.js";

/**
 * What CodeDeploy asks of S3: whether a bucket exists (and where). An S3 revision must name a
 * bucket of this server's S3 API.
 */
export interface RevisionBuckets {
  /**
   * The region of bucket `name`, or undefined when there is no such bucket. `executor` is the
   * caller's transaction (SQLite has one connection: a query beside it would wait forever).
   */
  bucketRegion(executor: Kysely<Database>, name: string): Promise<string | undefined>;
}

/** What CodeDeploy needs from the server. */
export interface CodeDeployDeps {
  store: Store;
  /** S3 revisions' buckets are looked up here; without it, any bucket name is accepted. */
  revisionBuckets?: RevisionBuckets;
  /** Default the system clock. */
  clock?: Clock;
  /**
   * Deployments: without these the module serves its control plane only. Timers (agents gone
   * quiet), traffic changes and rollbacks are jobs of `queue`; state changes go to `bus`; S3
   * revisions are looked up in `revisions` before a deployment is created.
   */
  deployments?: {
    queue: Queue;
    bus: Bus;
    revisions: RevisionObjects;
    /** The deployment groups' load balancers; without it, traffic-controlled deployments fail at BlockTraffic. */
    traffic?: TrafficControl;
    /** The health checks deployment groups' alarms name; without it, every alarm is a poll failure. */
    alarms?: AlarmChecks;
    /** Tests shorten them. */
    timeouts?: Partial<DeploymentTimeouts>;
    logger?: Logger;
  };
}

/** The dependencies with defaults resolved, as operations receive them. */
export interface CodeDeployRuntime {
  store: Store;
  revisionBuckets?: RevisionBuckets;
  clock: Clock;
}
