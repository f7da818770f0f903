import { createLogger, systemClock } from "../../core/index.js";
import type { JobHandler } from "../../platform/queue/index.js";
import { jsonService, type JsonService } from "../kit/index.js";
import {
  batchDeleteBuilds,
  batchGetBuilds,
  listBuilds,
  listBuildsForProject,
  listCuratedEnvironmentImages,
  retryBuild,
  stopBuild,
} from "./builds.js";
import { createBuildHandler, createQueuedTimeoutHandler, type RunBuild } from "./build-handler.js";
import {
  BUILD_JOB_KIND,
  QUEUED_TIMEOUT_JOB_KIND,
  type CodeBuildDeps,
  type CodeBuildRuntime,
} from "./deps.js";
import { recoverBuilds } from "./lifecycle.js";
import { batchGetProjects, createProject, deleteProject, listProjects, updateProject } from "./projects.js";
import {
  batchGetReports,
  createReportGroup,
  describeTestCases,
  listReportGroups,
  listReports,
  listReportsForReportGroup,
} from "./reports.js";
import { startBuild } from "./start-build.js";

/** CodeBuild's control plane, as the server wires it. */
export interface CodeBuild {
  /** The API over the AWS JSON 1.1 protocol (`X-Amz-Target: CodeBuild_20161006.<Operation>`). */
  service: JsonService;
  /** The queue job kind of builds; run these with {@link CodeBuild.buildHandler}. */
  buildJobKind: string;
  /** The queue job kind of queued-timeout timers; run these on a worker that builds cannot fill up. */
  timerJobKind: string;
  /** The handler of build jobs around an engine function. */
  buildHandler(runBuild: RunBuild): JobHandler;
  /** The handler of queued-timeout timers. */
  timerHandler: JobHandler;
  /** Ends builds an earlier process left IN_PROGRESS; call once at start, before workers run. */
  recoverBuilds(): Promise<string[]>;
  /** Builds running in this process (StopBuild aborts them directly). */
  readonly runningBuilds: number;
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
      deleteProject,
      batchGetProjects(rt),
      listProjects,
      startBuild(rt),
      stopBuild(rt),
      retryBuild(rt),
      batchGetBuilds,
      listBuilds,
      listBuildsForProject,
      batchDeleteBuilds,
      listCuratedEnvironmentImages,
      createReportGroup(rt),
      listReportGroups,
      listReports,
      listReportsForReportGroup,
      batchGetReports,
      describeTestCases,
    ],
  });
  return {
    service,
    buildJobKind: BUILD_JOB_KIND,
    timerJobKind: QUEUED_TIMEOUT_JOB_KIND,
    buildHandler: (runBuild) => createBuildHandler(rt, runBuild),
    timerHandler: createQueuedTimeoutHandler(rt),
    recoverBuilds: () => recoverBuilds(rt),
    get runningBuilds() {
      return rt.running.size;
    },
  };
}
