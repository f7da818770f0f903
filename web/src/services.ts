// Typed wrappers for the operations the console calls. Shapes follow the AWS API references;
// only the fields the console reads are declared. Timestamps arrive as epoch seconds.
import { callAws } from "./api";

/** AWS's per-call limit for BatchGetRepositories, BatchGetBuilds and BatchGetDeployments. */
const BATCH_LIMIT = 25;

function chunks<T>(items: readonly T[], size = BATCH_LIMIT): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

// CodeCommit

export interface RepositoryNameIdPair {
  repositoryName: string;
  repositoryId: string;
}

export interface RepositoryMetadata {
  accountId?: string;
  repositoryId?: string;
  repositoryName: string;
  repositoryDescription?: string;
  defaultBranch?: string;
  lastModifiedDate?: number;
  creationDate?: number;
  cloneUrlHttp?: string;
  cloneUrlSsh?: string;
  Arn?: string;
}

export async function listRepositories(input: {
  sortBy?: "repositoryName" | "lastModifiedDate";
  order?: "ascending" | "descending";
  nextToken?: string;
}): Promise<{ repositories?: RepositoryNameIdPair[]; nextToken?: string }> {
  return callAws("CodeCommit_20150413.ListRepositories", input);
}

/** BatchGetRepositories for any number of names, keeping the order the names were given in. */
export async function batchGetRepositories(names: readonly string[]): Promise<RepositoryMetadata[]> {
  const pages = await Promise.all(
    chunks(names).map((repositoryNames) =>
      callAws<{ repositories?: RepositoryMetadata[] }>("CodeCommit_20150413.BatchGetRepositories", {
        repositoryNames,
      }),
    ),
  );
  const byName = new Map(pages.flatMap((page) => page.repositories ?? []).map((r) => [r.repositoryName, r]));
  return names.flatMap((name) => byName.get(name) ?? []);
}

export async function createRepository(input: {
  repositoryName: string;
  repositoryDescription?: string;
  tags?: Record<string, string>;
}): Promise<{ repositoryMetadata?: RepositoryMetadata }> {
  return callAws("CodeCommit_20150413.CreateRepository", input);
}

// CodePipeline

export interface PipelineSummary {
  name: string;
  version?: number;
  pipelineType?: string;
  created?: number;
  updated?: number;
}

export interface ActionExecution {
  actionExecutionId?: string;
  status?: string;
  summary?: string;
  lastStatusChange?: number;
  token?: string;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  errorDetails?: { code?: string; message?: string };
}

export interface ActionState {
  actionName?: string;
  latestExecution?: ActionExecution;
  entityUrl?: string;
  revisionUrl?: string;
}

export interface StageState {
  stageName: string;
  inboundTransitionState?: {
    enabled?: boolean;
    lastChangedBy?: string;
    lastChangedAt?: number;
    disabledReason?: string;
  };
  actionStates?: ActionState[];
  latestExecution?: { pipelineExecutionId?: string; status: string };
}

export interface ActionDeclaration {
  name: string;
  actionTypeId: { category: string; owner: string; provider: string; version: string };
  runOrder?: number;
  configuration?: Record<string, string>;
}

export interface StageDeclaration {
  name: string;
  actions: ActionDeclaration[];
}

export interface PipelineDeclaration {
  name: string;
  stages: StageDeclaration[];
  version?: number;
  pipelineType?: string;
}

export interface SourceRevision {
  actionName: string;
  revisionId?: string;
  revisionSummary?: string;
  revisionUrl?: string;
}

export interface PipelineExecutionSummary {
  pipelineExecutionId?: string;
  status?: string;
  statusSummary?: string;
  startTime?: number;
  lastUpdateTime?: number;
  sourceRevisions?: SourceRevision[];
  trigger?: { triggerType?: string; triggerDetail?: string };
  stopTrigger?: { reason?: string };
  executionMode?: string;
}

export interface PipelineState {
  pipelineName: string;
  pipelineVersion?: number;
  stageStates?: StageState[];
  created?: number;
  updated?: number;
}

export async function listPipelines(input: {
  nextToken?: string;
  maxResults?: number;
}): Promise<{ pipelines?: PipelineSummary[]; nextToken?: string }> {
  return callAws("CodePipeline_20150709.ListPipelines", input);
}

export async function getPipelineState(name: string): Promise<PipelineState> {
  return callAws("CodePipeline_20150709.GetPipelineState", { name });
}

export async function getPipeline(
  name: string,
): Promise<{ pipeline?: PipelineDeclaration; metadata?: { updated?: number } }> {
  return callAws("CodePipeline_20150709.GetPipeline", { name });
}

export async function listPipelineExecutions(input: {
  pipelineName: string;
  maxResults?: number;
  nextToken?: string;
}): Promise<{ pipelineExecutionSummaries?: PipelineExecutionSummary[]; nextToken?: string }> {
  return callAws("CodePipeline_20150709.ListPipelineExecutions", input);
}

export async function startPipelineExecution(name: string): Promise<{ pipelineExecutionId?: string }> {
  return callAws("CodePipeline_20150709.StartPipelineExecution", { name });
}

export async function stopPipelineExecution(input: {
  pipelineName: string;
  pipelineExecutionId: string;
  abandon?: boolean;
  reason?: string;
}): Promise<{ pipelineExecutionId?: string }> {
  return callAws("CodePipeline_20150709.StopPipelineExecution", input);
}

export async function enableStageTransition(pipelineName: string, stageName: string): Promise<unknown> {
  return callAws("CodePipeline_20150709.EnableStageTransition", {
    pipelineName,
    stageName,
    transitionType: "Inbound",
  });
}

export async function disableStageTransition(
  pipelineName: string,
  stageName: string,
  reason: string,
): Promise<unknown> {
  return callAws("CodePipeline_20150709.DisableStageTransition", {
    pipelineName,
    stageName,
    transitionType: "Inbound",
    reason,
  });
}

export async function putApprovalResult(input: {
  pipelineName: string;
  stageName: string;
  actionName: string;
  token: string;
  result: { summary: string; status: "Approved" | "Rejected" };
}): Promise<{ approvedAt?: number }> {
  return callAws("CodePipeline_20150709.PutApprovalResult", input);
}

export async function retryStageExecution(input: {
  pipelineName: string;
  stageName: string;
  pipelineExecutionId: string;
}): Promise<{ pipelineExecutionId?: string }> {
  return callAws("CodePipeline_20150709.RetryStageExecution", { ...input, retryMode: "FAILED_ACTIONS" });
}

// CodeBuild

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

export interface Project {
  name: string;
  arn?: string;
  description?: string;
  source?: { type?: string; location?: string; buildspec?: string };
  sourceVersion?: string;
  artifacts?: { type?: string; location?: string };
  environment?: { type?: string; image?: string; computeType?: string };
  serviceRole?: string;
  created?: number;
  lastModified?: number;
  badge?: { badgeEnabled?: boolean; badgeRequestUrl?: string };
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

// CodeDeploy

export interface DeploymentInfo {
  deploymentId: string;
  applicationName?: string;
  deploymentGroupName?: string;
  status?: string;
  createTime?: number;
  startTime?: number;
  completeTime?: number;
}

export async function listDeployments(input: {
  includeOnlyStatuses?: string[];
  nextToken?: string;
}): Promise<{ deployments?: string[]; nextToken?: string }> {
  return callAws("CodeDeploy_20141006.ListDeployments", input);
}

export async function batchGetDeployments(ids: readonly string[]): Promise<DeploymentInfo[]> {
  const pages = await Promise.all(
    chunks(ids).map((deploymentIds) =>
      callAws<{ deploymentsInfo?: DeploymentInfo[] }>("CodeDeploy_20141006.BatchGetDeployments", {
        deploymentIds,
      }),
    ),
  );
  const byId = new Map(pages.flatMap((page) => page.deploymentsInfo ?? []).map((d) => [d.deploymentId, d]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

// Systems Manager Parameter Store

export type ParameterType = "String" | "StringList" | "SecureString";

export interface ParameterMetadata {
  Name: string;
  ARN?: string;
  Type?: ParameterType;
  Description?: string;
  Version?: number;
  LastModifiedDate?: number;
  Tier?: string;
}

export async function describeParameters(input: {
  MaxResults?: number;
  NextToken?: string;
}): Promise<{ Parameters?: ParameterMetadata[]; NextToken?: string }> {
  return callAws("AmazonSSM.DescribeParameters", input);
}

/** One parameter's value, decrypted when it is a SecureString. */
export async function getParameterValue(name: string): Promise<{ Type?: ParameterType; Value?: string }> {
  const output = await callAws<{ Parameter?: { Type?: ParameterType; Value?: string } }>(
    "AmazonSSM.GetParameter",
    { Name: name, WithDecryption: true },
  );
  return { Type: output.Parameter?.Type, Value: output.Parameter?.Value };
}

export async function putParameter(input: {
  Name: string;
  Description?: string;
  Type: ParameterType;
  Value: string;
}): Promise<{ Version?: number; Tier?: string }> {
  return callAws("AmazonSSM.PutParameter", input);
}

// Secrets Manager

export interface SecretListEntry {
  ARN?: string;
  Name: string;
  Description?: string;
  LastChangedDate?: number;
  CreatedDate?: number;
}

export async function listSecrets(input: {
  MaxResults?: number;
  NextToken?: string;
}): Promise<{ SecretList?: SecretListEntry[]; NextToken?: string }> {
  return callAws("secretsmanager.ListSecrets", input);
}

/** A secret's current value: its string, or undefined and `binary` when it is stored as bytes. */
export async function getSecretValue(secretId: string): Promise<{ SecretString?: string; binary: boolean }> {
  const output = await callAws<{ SecretString?: string; SecretBinary?: string }>(
    "secretsmanager.GetSecretValue",
    { SecretId: secretId },
  );
  return {
    SecretString: output.SecretString,
    binary: output.SecretString === undefined && !!output.SecretBinary,
  };
}

export async function createSecret(input: {
  Name: string;
  Description?: string;
  SecretString: string;
}): Promise<{ ARN?: string; Name?: string; VersionId?: string }> {
  return callAws("secretsmanager.CreateSecret", input);
}
