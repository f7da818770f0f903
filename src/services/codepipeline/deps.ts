import type { Kysely } from "kysely";
import type { Clock, Logger } from "../../core/index.js";
import type { Database, Store } from "../../platform/store/index.js";

/**
 * What CodePipeline asks of S3: whether a bucket exists (and where). A pipeline's artifact store
 * must name a bucket of this server's S3 API.
 */
export interface ArtifactBuckets {
  /**
   * The region of bucket `name`, or undefined when there is no such bucket. `executor` is the
   * caller's transaction (SQLite has one connection: a query beside it would wait forever).
   */
  bucketRegion(executor: Kysely<Database>, name: string): Promise<string | undefined>;
}

/** What CodePipeline needs from the server. */
export interface CodePipelineDeps {
  store: Store;
  artifactBuckets: ArtifactBuckets;
  /** Default the system clock. */
  clock?: Clock;
  /** Default a silent logger. */
  logger?: Logger;
}

/** The dependencies with defaults resolved. */
export interface CodePipelineRuntime {
  store: Store;
  artifactBuckets: ArtifactBuckets;
  clock: Clock;
  logger: Logger;
}
