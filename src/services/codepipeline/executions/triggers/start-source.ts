import { ServiceError } from "../../../../core/index.js";
import type { BusEvent } from "../../../../platform/bus/index.js";
import type { EngineAction, EnginePipeline, PipelineScope } from "../pipeline-source.js";
import type { ExecutionRuntime } from "../runtime.js";
import { startExecution } from "../start.js";

/** What a detected change starts: one execution, its source action fetching exactly `revision`. */
export interface SourceChange {
  trigger: { triggerType: string; triggerDetail: string };
  action: EngineAction;
  revisionType: "COMMIT_ID" | "S3_OBJECT_VERSION_ID";
  revisionValue: string;
}

/** The scope of the pipelines an event concerns: the account and region it happened in. */
export function scopeOf(event: BusEvent): PipelineScope {
  return { accountId: event.account, region: event.region };
}

/** The first stage's actions of type `typeKey` (`Source/AWS/S3/1`) that `watches` accepts. */
export function sourceActions(
  pipeline: EnginePipeline,
  typeKey: string,
  watches: (configuration: Readonly<Record<string, string>>) => boolean,
): EngineAction[] {
  return (pipeline.stages[0]?.actions ?? []).filter((a) => {
    const t = a.actionTypeId;
    return (
      `${t.category}/${t.owner}/${t.provider}/${t.version}` === typeKey && watches(a.configuration ?? {})
    );
  });
}

/**
 * Starts the pipeline for one change. The event's id is the client token: an event delivered again
 * (after a crash or a lost lease) finds the execution it started the first time and starts nothing.
 * A pipeline deleted or changed since it was matched (it no longer has the action), or one that
 * cannot start without input (a V2 variable without a default), is left alone with a log line:
 * retrying would not change that, and would hold up every change after this one.
 */
export async function startForChange(
  rt: ExecutionRuntime,
  event: BusEvent,
  pipeline: EnginePipeline,
  change: SourceChange,
): Promise<void> {
  try {
    await rt.store.transaction((trx) =>
      startExecution(rt, trx, scopeOf(event), pipeline.name, {
        trigger: change.trigger,
        sourceRevisions: [
          {
            actionName: change.action.name,
            revisionType: change.revisionType,
            revisionValue: change.revisionValue,
          },
        ],
        clientToken: `event/${event.id}`,
      }),
    );
  } catch (err) {
    if (!(err instanceof ServiceError) || !GONE.has(err.code)) throw err;
    rt.logger.info(
      { pipeline: pipeline.name, event: event.id, reason: err.message },
      "a detected change could not start the pipeline; nothing started",
    );
  }
}

/** Errors of a start that a retry would meet again. */
const GONE = new Set(["PipelineNotFoundException", "ValidationException"]);
