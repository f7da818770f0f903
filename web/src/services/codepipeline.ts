// Typed wrappers for the CodePipeline operations the console calls. Shapes follow the AWS API reference;
// only the fields the console reads are declared. Timestamps arrive as epoch seconds.
import { callAws } from "../api";

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
  inputArtifacts?: { name: string }[];
  outputArtifacts?: { name: string }[];
}

export interface StageDeclaration {
  name: string;
  actions: ActionDeclaration[];
}

export interface PipelineDeclaration {
  name: string;
  roleArn?: string;
  artifactStore?: { type: string; location: string };
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

/** UpdatePipeline with the whole declaration; the server stores it as the next version. */
export async function updatePipeline(
  pipeline: PipelineDeclaration,
): Promise<{ pipeline?: PipelineDeclaration }> {
  return callAws("CodePipeline_20150709.UpdatePipeline", { pipeline });
}

export async function createPipeline(
  pipeline: PipelineDeclaration,
): Promise<{ pipeline?: PipelineDeclaration }> {
  return callAws("CodePipeline_20150709.CreatePipeline", { pipeline });
}
