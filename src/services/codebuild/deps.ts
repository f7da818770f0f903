import type { Clock, Logger } from "../../core/index.js";
import type { Bus } from "../../platform/bus/index.js";
import type { Envelope } from "../../platform/crypto/index.js";
import type { Queue } from "../../platform/queue/index.js";
import type { Store } from "../../platform/store/index.js";
import type { CodeCommitGit } from "../codecommit/index.js";
import type { S3Service } from "../s3/index.js";
import type { RunBuild } from "./build-handler.js";

/** What CodeBuild needs from the server. */
export interface CodeBuildDeps {
  store: Store;
  /** Build jobs and queued-timeout timers go here, in the same transaction as the build row. */
  queue: Queue;
  /** State and phase change events go here. */
  bus: Bus;
  /** Opens SecureString parameters and secrets for `env.parameter-store` / `env.secrets-manager`. */
  envelope: Envelope;
  /** Source zips are read from, and artifacts written to, buckets of this S3 service. */
  s3: S3Service;
  /** CODECOMMIT sources are checked out of this server's repositories; without it they fail. */
  codecommit?: CodeCommitGit;
  /** The build engine: runs one build's job (the embedded runner, or a test's stand-in). */
  runBuild: RunBuild;
  /** The server's data directory; LOCAL caches live in `<dataDir>/codebuild-cache/<project>`. */
  dataDir: string;
  /** The server's base URL (known once it listens), for badge URLs and log deep links. */
  publicUrl: () => string;
  /** Default the system clock. */
  clock?: Clock;
  /** Default a silent logger. */
  logger?: Logger;
  /**
   * Milliseconds in one minute of `queuedTimeoutInMinutes`. Default 60 000; only tests change it,
   * so that a queued timeout can be seen in seconds.
   */
  minuteMs?: number;
}

/** The dependencies with defaults resolved, plus the process-local state of running builds. */
export interface CodeBuildRuntime extends Required<
  Omit<CodeBuildDeps, "clock" | "logger" | "minuteMs" | "codecommit" | "runBuild">
> {
  codecommit: CodeBuildDeps["codecommit"];
  clock: Clock;
  logger: Logger;
  minuteMs: number;
  /** Builds running in this process, by id: StopBuild aborts them at once rather than at lease loss. */
  running: Map<string, AbortController>;
}

/** Job kinds CodeBuild enqueues. */
export const BUILD_JOB_KIND = "codebuild.build";
export const QUEUED_TIMEOUT_JOB_KIND = "codebuild.queued-timeout";
