import { codeBuildArea } from "./codebuild";
import { codeCommitArea } from "./codecommit";
import { codeDeployArea } from "./codedeploy";
import { codePipelineArea } from "./codepipeline";
import { configurationArea } from "./configuration";
import { projectsArea } from "./projects";
import type { ConsoleArea } from "./route";
import { startArea } from "./start";

export type { Route } from "./route";
export { home } from "./route";

/** The console's areas, in side navigation order. */
export const CONSOLE_AREAS: readonly ConsoleArea[] = [
  startArea,
  projectsArea,
  codeCommitArea,
  codeBuildArea,
  codePipelineArea,
  codeDeployArea,
  configurationArea,
];
