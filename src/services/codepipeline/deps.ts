import type { Kysely } from "kysely";
import type { Clock, Logger } from "../../core/index.js";
import type { Bus } from "../../platform/bus/index.js";
import type { Queue } from "../../platform/queue/index.js";
import type { Database, Store } from "../../platform/store/index.js";
import type { CodeCommitGit } from "../codecommit/index.js";
import type { DeploymentStarter } from "../codedeploy/index.js";
import type { S3Service } from "../s3/index.js";
import type { ExecutionRuntime, PipelineBuilds } from "./executions/runtime.js";

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
  /** Executions advance through jobs of this queue, in the transactions that change them. */
  queue: Queue;
  /** Pipeline, stage and action state changes go here; builds' and pushes' events come from here. */
  bus: Bus;
  artifactBuckets: ArtifactBuckets;
  /** Artifacts are read from and written to buckets of this S3 service. */
  s3: S3Service;
  /** CodeCommit sources read this server's repositories; pushes to them start pipelines. */
  codecommit?: CodeCommitGit;
  /** Build and Test actions start builds here. */
  builds?: PipelineBuilds;
  /** Deploy / AWS / CodeDeploy actions start deployments here. */
  deployments?: DeploymentStarter;
  /** The server's base URL (known once it listens), for revision links. */
  publicUrl: () => string;
  /** Default the system clock. */
  clock?: Clock;
  /** Default a silent logger. */
  logger?: Logger;
  /** How long a manual approval waits when its action sets no timeoutInMinutes; default 7 days, as on AWS. */
  approvalTimeoutMs?: number;
  /** How long a custom action waits for its job workers; default 24 hours, as on AWS. Tests shorten it. */
  customActionTimeoutMs?: number;
}

/** The dependencies with defaults resolved: the execution engine's, plus what definitions check. */
export interface CodePipelineRuntime extends ExecutionRuntime {
  artifactBuckets: ArtifactBuckets;
}
