import type { Kysely } from "kysely";
import { createLogger, formatArn, newRequestId, systemClock } from "../../core/index.js";
import type { Database } from "../../platform/store/index.js";
import { jsonService, type OperationContext, type ServiceModule } from "../kit/index.js";
import {
  batchDeleteBuilds,
  batchGetBuilds,
  listBuilds,
  listBuildsForProject,
  listCuratedEnvironmentImages,
  requestStop,
  retryBuild,
  stopBuild,
} from "./builds.js";
import { createBuildHandler, createQueuedTimeoutHandler } from "./build-handler.js";
import { docOf, findBuild } from "./build-rows.js";
import {
  BUILD_JOB_KIND,
  QUEUED_TIMEOUT_JOB_KIND,
  type CodeBuildDeps,
  type CodeBuildRuntime,
} from "./deps.js";
import { recoverBuilds } from "./lifecycle.js";
import {
  batchGetProjects,
  createProject,
  deleteProject,
  findProject,
  listProjects,
  updateProject,
} from "./projects.js";
import {
  batchGetReports,
  createReportGroup,
  describeTestCases,
  listReportGroups,
  listReports,
  listReportsForReportGroup,
} from "./reports.js";
import { submitInlineBuild, type InlineBuildRequest } from "./inline-build.js";
import type { PipelineBuildInput } from "./pipeline-build.js";
import type { EnvironmentVariableInput } from "./shapes.js";
import { startBuild, submitBuild } from "./start-build.js";

/**
 * CodeBuild as a module: its API, its two job kinds (builds on the `builds` pool, queued-timeout
 * timers on `background`), start-up recovery of builds a previous process left running — and the
 * narrow interface other services call.
 */
export interface CodeBuild extends ServiceModule {
  /** Builds running in this process (StopBuild aborts them directly). */
  readonly runningBuilds: number;
  /**
   * Starts a build on behalf of another service (a repository trigger): as StartBuild would, with
   * `initiator` as the build's initiator. Returns the build id; the same `idempotencyToken` within
   * five minutes returns the same build, so a redelivered event starts nothing twice.
   */
  startBuildFor(request: ServiceBuildRequest): Promise<string>;
  /**
   * Starts a build without a project for a pipeline's Commands action: its buildspec made from the
   * commands, its sources the input artifacts, its artifact the output artifact. It is listed by
   * ListBuilds and described by BatchGetBuilds under the project name `codepipeline.<pipeline>`,
   * which no project can have. Returns the build id; the same `idempotencyToken` within five
   * minutes returns the same build.
   */
  startInlineBuild(request: InlineBuildRequest): Promise<string>;
  /**
   * Whether a project exists, for callers that check a target before they use it; `executor` is
   * the caller's transaction when it has one (SQLite has one connection: a query beside an open
   * transaction would wait for it forever).
   */
  projectExists(
    executor: Kysely<Database>,
    scope: { accountId: string; region: string },
    projectName: string,
  ): Promise<boolean>;
  /**
   * How a build stands, for a pipeline's build action waiting on it; `executor` is the caller's
   * transaction. Undefined for a build that does not exist.
   */
  buildOutcome(
    executor: Kysely<Database>,
    scope: { accountId: string; region: string },
    buildId: string,
  ): Promise<BuildOutcome | undefined>;
  /**
   * Stops a build as StopBuild does, in the caller's transaction (a pipeline whose Commands rule is
   * abandoned); a finished or unknown build is left alone.
   */
  stopBuild(
    executor: Kysely<Database>,
    scope: { accountId: string; region: string },
    buildId: string,
  ): Promise<void>;
}

/** A build as the pipeline action that started it needs to know it. */
export interface BuildOutcome {
  /** `project:uuid`. */
  id: string;
  /** `StatusType`: IN_PROGRESS, SUCCEEDED, FAILED, FAULT, TIMED_OUT, STOPPED. */
  status: string;
  complete: boolean;
  /** The build's `exported-variables`, which become the action's output variables. */
  exportedEnvironmentVariables: Array<{ name: string; value: string }>;
  /** The build's logs, as the action's external execution URL. */
  logsDeepLink: string;
  /** What the phase that failed said, when one did. */
  failure?: string;
  /** Who started it (`codepipeline/<pipeline>` for a pipeline's build). */
  initiator: string;
  /** The idempotency token it was started with, if any. */
  idempotencyToken?: string;
}

/** A build another service starts. */
export interface ServiceBuildRequest {
  accountId: string;
  region: string;
  projectName: string;
  sourceVersion?: string;
  /** e.g. `codecommit/<repository>` or `codepipeline/<pipeline>`; shown as the build's `initiator`. */
  initiator: string;
  idempotencyToken?: string;
  /** A pipeline's build action: its input and output artifacts replace the project's source and artifacts. */
  pipeline?: PipelineBuildInput;
  /** The build action's `EnvironmentVariables`, as StartBuild's override. */
  environmentVariablesOverride?: EnvironmentVariableInput[];
}

/**
 * The context of a build another service starts: a principal that is the service itself, named by
 * the initiator (AWS shows `codepipeline/<pipeline>` the same way for pipeline builds).
 */
function serviceContext(
  trx: Kysely<Database>,
  request: { accountId: string; region: string; initiator: string },
): OperationContext {
  return {
    trx,
    requestId: newRequestId(),
    accountId: request.accountId,
    region: request.region,
    principal: {
      accountId: request.accountId,
      userId: request.initiator,
      userName: request.initiator,
      arn: formatArn({
        service: "iam",
        region: "",
        accountId: request.accountId,
        resource: request.initiator,
      }),
      accessKeyId: "",
      isRoot: false,
    },
  };
}

/** Creates CodeBuild over its dependencies. */
export function createCodeBuild(deps: CodeBuildDeps): CodeBuild {
  const rt: CodeBuildRuntime = {
    ...deps,
    codecommit: deps.codecommit,
    clock: deps.clock ?? systemClock,
    logger: deps.logger ?? createLogger({ level: "silent" }),
    minuteMs: deps.minuteMs ?? 60_000,
    running: new Map(),
  };
  const service = jsonService({
    targetPrefix: "CodeBuild_20161006",
    signingName: "codebuild",
    actionPrefix: "codebuild",
    validationErrorCode: "InvalidInputException",
    operations: [
      createProject(rt),
      updateProject(rt),
      deleteProject(),
      batchGetProjects(rt),
      listProjects(),
      startBuild(rt),
      stopBuild(rt),
      retryBuild(rt),
      batchGetBuilds(),
      listBuilds(),
      listBuildsForProject(),
      batchDeleteBuilds(),
      listCuratedEnvironmentImages(),
      createReportGroup(rt),
      listReportGroups(),
      listReports(),
      listReportsForReportGroup(),
      batchGetReports(),
      describeTestCases(),
    ],
  });
  return {
    name: "codebuild",
    json: service,
    jobs: [
      { kind: BUILD_JOB_KIND, pool: "builds", handler: createBuildHandler(rt, deps.runBuild) },
      { kind: QUEUED_TIMEOUT_JOB_KIND, pool: "background", handler: createQueuedTimeoutHandler(rt) },
    ],
    async recover() {
      await recoverBuilds(rt);
    },
    get runningBuilds() {
      return rt.running.size;
    },
    async startBuildFor(request) {
      const row = await rt.store.transaction((trx) =>
        submitBuild(
          rt,
          serviceContext(trx, request),
          {
            projectName: request.projectName,
            ...(request.sourceVersion !== undefined ? { sourceVersion: request.sourceVersion } : {}),
            ...(request.idempotencyToken !== undefined ? { idempotencyToken: request.idempotencyToken } : {}),
            ...(request.environmentVariablesOverride
              ? { environmentVariablesOverride: request.environmentVariablesOverride }
              : {}),
          },
          request.pipeline,
        ),
      );
      return row.id;
    },
    async startInlineBuild(request) {
      const row = await rt.store.transaction((trx) =>
        submitInlineBuild(rt, serviceContext(trx, request), request),
      );
      return row.id;
    },
    async projectExists(executor, scope, projectName) {
      return (await findProject(executor, scope, projectName)) !== undefined;
    },
    async stopBuild(executor, scope, buildId) {
      const row = await findBuild(executor, scope, buildId);
      if (row) await requestStop(rt, executor, row);
    },
    async buildOutcome(executor, scope, buildId) {
      const row = await findBuild(executor, scope, buildId);
      if (!row) return undefined;
      const doc = docOf(row);
      const failed = doc.phases.find((p) => p.phaseStatus && p.phaseStatus !== "SUCCEEDED");
      const failure = failed?.contexts.map((c) => c.message).find((m) => m);
      return {
        id: row.id,
        status: row.status,
        complete: row.state === "done",
        exportedEnvironmentVariables: doc.exportedEnvironmentVariables,
        logsDeepLink: doc.logs.deepLink,
        ...(failure ? { failure: `${failed!.phaseType}: ${failure}` } : {}),
        initiator: doc.initiator,
        ...(row.idempotency_token !== null ? { idempotencyToken: row.idempotency_token } : {}),
      };
    },
  };
}
