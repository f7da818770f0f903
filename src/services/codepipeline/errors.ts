import { ServiceError } from "../../core/index.js";

/**
 * A {@link ServiceError} with one of CodePipeline's error codes (botocore `codepipeline`
 * 2015-07-09 names each operation's); all are client errors (400).
 */
export function codepipelineError(code: string, message: string): ServiceError {
  return new ServiceError(code, message, { status: 400 });
}

/** `PipelineNotFoundException`, naming the pipeline. */
export function pipelineNotFound(name: string): ServiceError {
  return codepipelineError(
    "PipelineNotFoundException",
    `The account has no pipeline named ${JSON.stringify(name)} in this region.`,
  );
}
