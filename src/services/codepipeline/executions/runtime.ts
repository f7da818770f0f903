import type { Kysely } from "kysely";
import type { Clock, Logger } from "../../../core/index.js";
import type { Bus } from "../../../platform/bus/index.js";
import type { Queue } from "../../../platform/queue/index.js";
import type { Database, Store } from "../../../platform/store/index.js";
import type { BuildOutcome, InlineBuildRequest, ServiceBuildRequest } from "../../codebuild/index.js";
import type { DeploymentStarter } from "../../codedeploy/index.js";
import type { S3Service } from "../../s3/index.js";
import type { SyncProvider } from "../providers/types.js";
import type { PipelineSource } from "./pipeline-source.js";
import type { TimeoutClass } from "./timeouts.js";

/** Job kinds of the engine. */
export const ADVANCE_JOB = "codepipeline.advance";
export const ACTION_JOB = "codepipeline.action";

/** What the build, test and Commands actions need from CodeBuild. */
export interface PipelineBuilds {
  startBuildFor(request: ServiceBuildRequest): Promise<string>;
  /** Commands actions: a build without a project, made from the action's commands. */
  startInlineBuild(request: InlineBuildRequest): Promise<string>;
  /** A build's outcome; `executor` is the caller's transaction. */
  buildOutcome(
    executor: Kysely<Database>,
    scope: { accountId: string; region: string },
    buildId: string,
  ): Promise<BuildOutcome | undefined>;
  /** Stops a build (an abandoned Commands rule's) in the caller's transaction. */
  stopBuild(
    executor: Kysely<Database>,
    scope: { accountId: string; region: string },
    buildId: string,
  ): Promise<void>;
}

/** What the execution engine runs on. */
export interface ExecutionRuntime {
  store: Store;
  queue: Queue;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  pipelines: PipelineSource;
  /** Actions that run to completion in one job, by `Category/Owner/Provider/Version`. */
  providers: Readonly<Record<string, SyncProvider>>;
  /** Build and Test actions; without it they fail with a message saying CodeBuild is not available. */
  builds?: PipelineBuilds;
  /** CodeDeploy actions; without it they fail with a message saying CodeDeploy is not available. */
  deployments?: DeploymentStarter;
  /** The server's public base URL, for links to its console (a deploy action's deployment page). */
  publicUrl?: () => string;
  /** The artifact store's S3, for actions that look at their input outside a provider (CodeDeploy). */
  artifacts?: S3Service;
  /** How long each class of action may run (AWS's quotas unless a test shortens them); see timeouts.ts. */
  timeoutsMs: Readonly<Record<TimeoutClass, number>>;
}
