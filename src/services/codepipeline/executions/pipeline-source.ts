import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { RuleDeclarationDoc } from "./rules/index.js";

/** The parts of a pipeline declaration the engine reads (AWS's `PipelineDeclaration`, checked at create). */
export interface EngineAction {
  readonly name: string;
  readonly actionTypeId: {
    readonly category: string;
    readonly owner: string;
    readonly provider: string;
    readonly version: string;
  };
  readonly runOrder?: number | undefined;
  readonly configuration?: Readonly<Record<string, string>> | undefined;
  readonly inputArtifacts?: readonly { readonly name: string }[] | undefined;
  readonly outputArtifacts?:
    readonly { readonly name: string; readonly files?: readonly string[] | undefined }[] | undefined;
  readonly namespace?: string | undefined;
  readonly region?: string | undefined;
  /** Manual approvals: how long to wait, in minutes (AWS allows it on approvals only). */
  readonly timeoutInMinutes?: number | undefined;
  /** Compute actions (Commands): the shell commands, one line each. */
  readonly commands?: readonly string[] | undefined;
  /** Compute actions: environment variables whose values become output variables. */
  readonly outputVariables?: readonly string[] | undefined;
  /** Compute actions: the commands' environment. */
  readonly environmentVariables?:
    | readonly { readonly name: string; readonly value: string; readonly type?: string | undefined }[]
    | undefined;
}

export interface EngineStage {
  readonly name: string;
  readonly actions: readonly EngineAction[];
  /** V2: what a failure of the stage does (FAIL, the default; RETRY once; ROLLBACK). */
  readonly onFailure?:
    | {
        readonly result?: string | undefined;
        readonly retryConfiguration?: { readonly retryMode?: string | undefined } | undefined;
        readonly conditions?: readonly EngineCondition[] | undefined;
      }
    | undefined;
  /** V2: conditions checked before an execution enters the stage. */
  readonly beforeEntry?: { readonly conditions: readonly EngineCondition[] } | undefined;
  /** V2: conditions checked once the stage's actions have succeeded. */
  readonly onSuccess?: { readonly conditions: readonly EngineCondition[] } | undefined;
}

/** A stage condition (AWS's `Condition`): rules and what happens when they decide. */
export interface EngineCondition {
  readonly result?: string | undefined;
  readonly rules?: readonly RuleDeclarationDoc[] | undefined;
}

export interface EnginePipeline {
  readonly name: string;
  readonly artifactStore?: { readonly type: string; readonly location: string } | undefined;
  readonly artifactStores?:
    Readonly<Record<string, { readonly type: string; readonly location: string }>> | undefined;
  readonly stages: readonly EngineStage[];
  readonly executionMode?: string | undefined;
  readonly pipelineType?: string | undefined;
  readonly variables?:
    readonly { readonly name: string; readonly defaultValue?: string | undefined }[] | undefined;
  readonly triggers?: readonly EngineTrigger[] | undefined;
}

/** Include and exclude globs of one trigger filter criterion. */
export interface FilterCriteria {
  readonly includes?: readonly string[] | undefined;
  readonly excludes?: readonly string[] | undefined;
}

/** A V2 pipeline trigger (`PipelineTriggerDeclaration`). */
export interface EngineTrigger {
  readonly providerType: string;
  readonly gitConfiguration: {
    readonly sourceActionName: string;
    readonly push?:
      | readonly {
          readonly tags?: FilterCriteria | undefined;
          readonly branches?: FilterCriteria | undefined;
          readonly filePaths?: FilterCriteria | undefined;
        }[]
      | undefined;
    readonly pullRequest?:
      | readonly {
          /** OPEN, UPDATED, CLOSED; all three when absent. */
          readonly events?: readonly string[] | undefined;
          readonly branches?: FilterCriteria | undefined;
          readonly filePaths?: FilterCriteria | undefined;
        }[]
      | undefined;
  };
}

export interface PipelineScope {
  readonly accountId: string;
  readonly region: string;
}

/** A pipeline as executions see it, without its structure. */
export interface PipelineHead {
  readonly version: number;
  readonly created: number;
  readonly updated: number;
}

/** Where executions find their pipeline's definition. */
export interface PipelineSource {
  /**
   * Locks the pipeline for the rest of `trx` (every step of every execution of one pipeline is
   * taken under it, so two servers never admit two executions into one stage); undefined when it
   * does not exist.
   */
  lock(trx: Kysely<Database>, scope: PipelineScope, name: string): Promise<PipelineHead | undefined>;
  /** The pipeline without a lock, for reads. */
  head(trx: Kysely<Database>, scope: PipelineScope, name: string): Promise<PipelineHead | undefined>;
  /** Every pipeline of the scope at its current version, for triggers to match a change against. */
  current(trx: Kysely<Database>, scope: PipelineScope): Promise<EnginePipeline[]>;
  /** The declaration of one version. */
  declaration(
    trx: Kysely<Database>,
    scope: PipelineScope,
    name: string,
    version: number,
  ): Promise<EnginePipeline | undefined>;
}

/** `Category/Owner/Provider/Version` of an action, the key of its provider. */
export function actionTypeKey(action: EngineAction): string {
  const t = action.actionTypeId;
  return `${t.category}/${t.owner}/${t.provider}/${t.version}`;
}

/** The artifact bucket for an action in `region`. */
export function artifactBucket(pipeline: EnginePipeline, region: string): string | undefined {
  return pipeline.artifactStore?.location ?? pipeline.artifactStores?.[region]?.location;
}
