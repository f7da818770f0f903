import { ServiceError } from "../../core/index.js";

/** The error codes CodePipeline answers with, as named in the `codepipeline` 2015-07-09 model. */
export type CodePipelineErrorCode =
  | "ValidationException"
  | "InvalidStructureException"
  | "InvalidStageDeclarationException"
  | "InvalidActionDeclarationException"
  | "InvalidBlockerDeclarationException"
  | "PipelineNameInUseException"
  | "PipelineNotFoundException"
  | "PipelineVersionNotFoundException"
  | "InvalidNextTokenException"
  | "InvalidTagsException"
  | "TooManyTagsException"
  | "InvalidArnException"
  | "ResourceNotFoundException"
  | "LimitExceededException"
  | "ConcurrentModificationException"
  | "ActionTypeNotFoundException"
  | "PipelineExecutionNotFoundException"
  | "PipelineExecutionNotStoppableException"
  | "DuplicatedStopRequestException"
  | "StageNotFoundException"
  | "StageNotRetryableException"
  | "NotLatestPipelineExecutionException"
  | "ActionNotFoundException"
  | "ApprovalAlreadyCompletedException"
  | "InvalidApprovalTokenException"
  | "ConflictException"
  | "ConditionNotOverridableException"
  | "UnableToRollbackStageException"
  | "JobNotFoundException"
  | "InvalidNonceException"
  | "InvalidJobStateException"
  | "OutputVariablesSizeExceededException";

/** A {@link ServiceError} with one of CodePipeline's codes (all client errors). */
export function codepipelineError(code: CodePipelineErrorCode, message: string): ServiceError {
  return new ServiceError(code, message, { status: 400 });
}

/** `PipelineNotFoundException` naming the pipeline. */
export function pipelineNotFound(name: string): ServiceError {
  return codepipelineError(
    "PipelineNotFoundException",
    `Pipeline "${name}" does not exist in this account and region.`,
  );
}

/** `InvalidNextTokenException`. */
export function invalidNextToken(): ServiceError {
  return codepipelineError(
    "InvalidNextTokenException",
    "The next token is not valid: pass the nextToken the previous call of this listing returned.",
  );
}
