// Typed wrappers for the CodeBuild operations the console calls. Shapes follow the AWS API reference;
// only the fields the console reads are declared. Timestamps arrive as epoch seconds.
import { callAws } from "../api";
import { chunks } from "./batch";

export interface BuildPhase {
  phaseType?: string;
  phaseStatus?: string;
  startTime?: number;
  endTime?: number;
  durationInSeconds?: number;
  contexts?: { statusCode?: string; message?: string }[];
}

export interface EnvironmentVariable {
  name: string;
  value: string;
  type?: "PLAINTEXT" | "PARAMETER_STORE" | "SECRETS_MANAGER";
}

export interface Build {
  id: string;
  arn?: string;
  buildNumber?: number;
  projectName?: string;
  buildStatus?: string;
  currentPhase?: string;
  buildComplete?: boolean;
  initiator?: string;
  sourceVersion?: string;
  resolvedSourceVersion?: string;
  startTime?: number;
  endTime?: number;
  phases?: BuildPhase[];
  artifacts?: { location?: string; sha256sum?: string; md5sum?: string; artifactIdentifier?: string };
  reportArns?: string[];
}

export interface ProjectSource {
  type: string;
  location?: string;
  buildspec?: string;
}

export interface ProjectArtifacts {
  type: string;
  location?: string;
  path?: string;
  name?: string;
  packaging?: "NONE" | "ZIP";
}

export interface ProjectEnvironment {
  type: string;
  image: string;
  computeType: string;
  environmentVariables?: EnvironmentVariable[];
  privilegedMode?: boolean;
}

export interface LogsConfig {
  cloudWatchLogs?: { status: "ENABLED" | "DISABLED"; groupName?: string; streamName?: string };
}

export interface Project {
  name: string;
  arn?: string;
  description?: string;
  source?: ProjectSource;
  sourceVersion?: string;
  artifacts?: ProjectArtifacts;
  environment?: ProjectEnvironment;
  serviceRole?: string;
  timeoutInMinutes?: number;
  queuedTimeoutInMinutes?: number;
  logsConfig?: LogsConfig;
  created?: number;
  lastModified?: number;
  badge?: { badgeEnabled?: boolean; badgeRequestUrl?: string };
}

/** The members of CreateProject's input the console's form sets; UpdateProject takes the same. */
export interface ProjectInput {
  name: string;
  description?: string;
  source: ProjectSource;
  sourceVersion?: string;
  artifacts: ProjectArtifacts;
  environment: ProjectEnvironment;
  serviceRole: string;
  timeoutInMinutes?: number;
  queuedTimeoutInMinutes?: number;
  logsConfig?: LogsConfig;
}

export interface TestReport {
  arn: string;
  name?: string;
  type?: string;
  status?: string;
  reportGroupArn?: string;
  created?: number;
  testSummary?: { total?: number; statusCounts?: Record<string, number>; durationInNanoSeconds?: number };
}

export interface TestCase {
  reportArn?: string;
  testRawDataPath?: string;
  prefix?: string;
  name?: string;
  status?: string;
  durationInNanoSeconds?: number;
  message?: string;
}

export async function listProjects(input: {
  sortBy?: "NAME" | "CREATED_TIME" | "LAST_MODIFIED_TIME";
  sortOrder?: "ASCENDING" | "DESCENDING";
  nextToken?: string;
}): Promise<{ projects?: string[]; nextToken?: string }> {
  return callAws("CodeBuild_20161006.ListProjects", input);
}

/** BatchGetProjects for any number of names (100 per call), in the order given. */
export async function batchGetProjects(names: readonly string[]): Promise<Project[]> {
  const pages = await Promise.all(
    chunks(names, 100).map((page) =>
      callAws<{ projects?: Project[] }>("CodeBuild_20161006.BatchGetProjects", { names: page }),
    ),
  );
  const byName = new Map(pages.flatMap((page) => page.projects ?? []).map((p) => [p.name, p]));
  return names.flatMap((name) => byName.get(name) ?? []);
}

export async function listBuildsForProject(input: {
  projectName: string;
  sortOrder?: "ASCENDING" | "DESCENDING";
  nextToken?: string;
}): Promise<{ ids?: string[]; nextToken?: string }> {
  return callAws("CodeBuild_20161006.ListBuildsForProject", input);
}

export async function startBuild(input: {
  projectName: string;
  sourceVersion?: string;
  environmentVariablesOverride?: EnvironmentVariable[];
}): Promise<{ build?: Build }> {
  return callAws("CodeBuild_20161006.StartBuild", input);
}

export async function stopBuild(id: string): Promise<{ build?: Build }> {
  return callAws("CodeBuild_20161006.StopBuild", { id });
}

export async function batchGetReports(reportArns: readonly string[]): Promise<TestReport[]> {
  const pages = await Promise.all(
    chunks(reportArns, 100).map((page) =>
      callAws<{ reports?: TestReport[] }>("CodeBuild_20161006.BatchGetReports", { reportArns: page }),
    ),
  );
  const byArn = new Map(pages.flatMap((page) => page.reports ?? []).map((r) => [r.arn, r]));
  return reportArns.flatMap((arn) => byArn.get(arn) ?? []);
}

/** DescribeTestCases for one report, every page. */
export async function describeTestCases(
  reportArn: string,
  filter?: { status?: string; keyword?: string },
): Promise<TestCase[]> {
  const cases: TestCase[] = [];
  let nextToken: string | undefined;
  do {
    const page = await callAws<{ testCases?: TestCase[]; nextToken?: string }>(
      "CodeBuild_20161006.DescribeTestCases",
      { reportArn, ...(filter && { filter }), ...(nextToken && { nextToken }) },
    );
    cases.push(...(page.testCases ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return cases;
}

export async function listBuilds(input: {
  sortOrder?: "ASCENDING" | "DESCENDING";
  nextToken?: string;
}): Promise<{ ids?: string[]; nextToken?: string }> {
  return callAws("CodeBuild_20161006.ListBuilds", input);
}

export async function batchGetBuilds(ids: readonly string[]): Promise<Build[]> {
  const pages = await Promise.all(
    chunks(ids, 100).map((page) =>
      callAws<{ builds?: Build[] }>("CodeBuild_20161006.BatchGetBuilds", { ids: page }),
    ),
  );
  const byId = new Map(pages.flatMap((page) => page.builds ?? []).map((b) => [b.id, b]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function createProject(input: ProjectInput): Promise<{ project?: Project }> {
  return callAws("CodeBuild_20161006.CreateProject", input);
}

export async function updateProject(input: ProjectInput): Promise<{ project?: Project }> {
  return callAws("CodeBuild_20161006.UpdateProject", input);
}
