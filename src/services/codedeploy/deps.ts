import type { Kysely } from "kysely";
import type { Clock } from "../../core/index.js";
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
}

/** The dependencies with defaults resolved, as operations receive them. */
export interface CodeDeployRuntime {
  store: Store;
  revisionBuckets?: RevisionBuckets;
  clock: Clock;
}
