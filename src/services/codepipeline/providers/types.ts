/** Where an artifact lives: a zip in the pipeline's artifact store. */
export interface ArtifactLocation {
  name: string;
  bucket: string;
  key: string;
}

/** One run of an action, as the engine hands it to its provider. */
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
  /** Where to write each output artifact. */
  outputArtifacts: readonly ArtifactLocation[];
  /** Source actions: the revision this execution carries; absent means the latest now. */
  sourceRevision?: string;
  signal: AbortSignal;
}

export interface ActionRevision {
  revisionId: string;
  revisionSummary?: string;
  revisionUrl?: string;
  created?: Date;
  revisionChangeId?: string;
}

export interface ActionResult {
  outputVariables?: Record<string, string>;
  summary?: string;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  /** Source actions: what they fetched. */
  revision?: ActionRevision;
}

/** A failure the action reports (recorded as AWS's ErrorDetails). */
export class ActionFailure extends Error {
  constructor(
    readonly code:
      | "JobFailed"
      | "PermissionError"
      | "ConfigurationError"
      | "RevisionOutOfSync"
      | "RevisionUnavailable"
      | "SystemUnavailable",
    message: string,
  ) {
    super(message);
  }
}

export interface SyncProvider {
  run(run: ActionRun): Promise<ActionResult>;
}
