/**
 * The contract between CodePipeline's execution engine and the actions it runs in-process
 * ("synchronous" providers: they do their work inside run() and return what happened). The engine
 * substitutes variables, picks where artifacts live and records results; a provider only reads
 * its inputs, does the work and writes its outputs.
 */

/** Where an artifact lives: a zip in the pipeline's artifact store (same fields as CodeBuild's PipelineArtifact). */
export interface ArtifactLocation {
  /** The artifact's name in the pipeline, e.g. `SourceOutput`. */
  name: string;
  bucket: string;
  key: string;
}

/** One run of one action. */
export interface ActionRun {
  accountId: string;
  region: string;
  pipelineName: string;
  executionId: string;
  actionExecutionId: string;
  stageName: string;
  actionName: string;
  /** The action's configuration with variables already substituted. */
  configuration: Readonly<Record<string, string>>;
  /** Input artifacts in declaration order, each where an earlier action wrote it. */
  inputArtifacts: readonly ArtifactLocation[];
  /**
   * Where to write each output artifact (bucket and key chosen by the engine:
   * `<pipeline>/<artifact>/<random id>` as on AWS).
   */
  outputArtifacts: readonly ArtifactLocation[];
  /**
   * Source actions: the revision this execution carries (a commit id; for S3, the object revision
   * the S3 source action reported, see s3-source.ts); absent means "the latest now".
   */
  sourceRevision?: string;
  /** Aborted when the execution is stopped or the action times out: the provider stops and throws. */
  signal: AbortSignal;
}

/** What a source action fetched: the execution's artifactRevisions / sourceRevisions entry. */
export interface ActionRevision {
  revisionId: string;
  revisionSummary?: string;
  revisionUrl?: string;
  created?: Date;
  revisionChangeId?: string;
}

/** What a successful run reports. */
export interface ActionResult {
  outputVariables?: Record<string, string>;
  summary?: string;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  /** Source actions: what they fetched. */
  revision?: ActionRevision;
}

/** The codes of AWS's FailureDetails `type`. */
export type ActionFailureCode =
  | "JobFailed"
  | "PermissionError"
  | "ConfigurationError"
  | "RevisionOutOfSync"
  | "RevisionUnavailable"
  | "SystemUnavailable";

/**
 * A failure the action reports (the engine records code and message as AWS's ErrorDetails). The
 * message is shown to the pipeline's user: it names what is wrong and what would be right.
 */
export class ActionFailure extends Error {
  constructor(
    readonly code: ActionFailureCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ActionFailure";
  }
}

/** An action that does its whole job inside run(). */
export interface SyncProvider {
  run(run: ActionRun): Promise<ActionResult>;
}
