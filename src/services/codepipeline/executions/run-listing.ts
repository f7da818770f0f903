import { z } from "zod";
import {
  awsInt,
  awsString,
  decodePageToken,
  encodePageToken,
  type OperationContext,
} from "../../kit/index.js";
import { invalidNextToken } from "../errors.js";
import { ExecutionId, PipelineName, requireExecution, requirePipeline } from "./operation-lookups.js";
import type { ExecutionRuntime } from "./runtime.js";

/**
 * ListActionExecutions and ListRuleExecutions page the same way: runs of a pipeline (or of one of
 * its executions), newest first, a page resuming after the last run returned (keyset on start time
 * and id, so a page costs what it returns).
 */

export const RunListInput = z.object({
  pipelineName: PipelineName,
  filter: z
    .object({
      pipelineExecutionId: ExecutionId.optional(),
      latestInPipelineExecution: z
        .object({ pipelineExecutionId: ExecutionId, startTimeRange: z.enum(["Latest", "All"]) })
        .optional(),
    })
    .optional(),
  maxResults: awsInt(1, 100).optional(),
  nextToken: awsString(1, 2048).optional(),
});

/** Where a page starts: after the run that started at `t` with id `id`. */
export type RunCursor = { readonly t: number; readonly id: string };

export interface RunPageRequest {
  executionId?: string | undefined;
  after?: RunCursor | undefined;
  limit: number;
  /** Makes the page's next token. */
  nextToken(
    rows: readonly { started_at: number | bigint | string }[],
    idOf: (i: number) => string,
  ): {
    count: number;
    nextToken?: string;
  };
}

/** Checks the pipeline and execution a listing names and reads its token. */
export async function runPageRequest(
  rt: ExecutionRuntime,
  ctx: OperationContext,
  operationName: string,
  input: z.infer<typeof RunListInput>,
): Promise<RunPageRequest> {
  await requirePipeline(rt, ctx, input.pipelineName);
  const executionId =
    input.filter?.pipelineExecutionId ?? input.filter?.latestInPipelineExecution?.pipelineExecutionId;
  if (executionId !== undefined) await requireExecution(ctx, input.pipelineName, executionId);
  const listing = `${operationName}/${input.pipelineName}/${executionId ?? ""}`;
  const after = decodePageToken(
    input.nextToken,
    listing,
    (p): p is RunCursor =>
      typeof p === "object" &&
      p !== null &&
      typeof (p as { t?: unknown }).t === "number" &&
      typeof (p as { id?: unknown }).id === "string",
    invalidNextToken,
  );
  const limit = input.maxResults ?? 100;
  return {
    executionId,
    after,
    limit,
    // Rows are read `limit + 1` at a time: one more than the page says whether another follows.
    nextToken(rows, idOf) {
      const count = Math.min(rows.length, limit);
      const last = rows[count - 1];
      if (rows.length <= limit || !last) return { count };
      return {
        count,
        nextToken: encodePageToken(listing, { t: Number(last.started_at), id: idOf(count - 1) }),
      };
    },
  };
}
