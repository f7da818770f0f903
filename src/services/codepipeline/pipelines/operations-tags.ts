import { z } from "zod";
import { awsString, operation } from "../../kit/index.js";
import type { CodePipelineRuntime } from "../deps.js";
import { checkTagKey, checkTags, mergeTags } from "./checks.js";
import { pipelineByArn, tagsOf } from "./rows.js";
import { TagShape } from "./shapes.js";

// Tags of pipelines, by ARN. Custom action types and webhooks, which AWS also tags, arrive later.

const ResourceArn = awsString(1, 1011);

/** TagResource: adds tags, or sets new values for keys the pipeline has. */
export function tagResource(_rt: CodePipelineRuntime) {
  return operation({
    name: "TagResource",
    input: z.object({ resourceArn: ResourceArn, tags: z.array(TagShape) }),
    resource: (input) => input.resourceArn,
    handler: async (input, ctx) => {
      const row = await pipelineByArn(ctx.trx, ctx, input.resourceArn);
      const tags = mergeTags(tagsOf(row), checkTags(input.tags));
      await ctx.trx
        .updateTable("codepipeline_pipelines")
        .set({ tags: JSON.stringify(tags) })
        .where("account_id", "=", row.account_id)
        .where("region", "=", row.region)
        .where("name", "=", row.name)
        .execute();
      return {};
    },
  });
}

/** UntagResource: removes the keys given; a key the pipeline does not have is no error. */
export function untagResource(_rt: CodePipelineRuntime) {
  return operation({
    name: "UntagResource",
    input: z.object({ resourceArn: ResourceArn, tagKeys: z.array(awsString(1, 128)) }),
    resource: (input) => input.resourceArn,
    handler: async (input, ctx) => {
      const row = await pipelineByArn(ctx.trx, ctx, input.resourceArn);
      for (const key of input.tagKeys) checkTagKey(key, "tagKeys");
      const removed = new Set(input.tagKeys);
      await ctx.trx
        .updateTable("codepipeline_pipelines")
        .set({ tags: JSON.stringify(tagsOf(row).filter((t) => !removed.has(t.key))) })
        .where("account_id", "=", row.account_id)
        .where("region", "=", row.region)
        .where("name", "=", row.name)
        .execute();
      return {};
    },
  });
}

/** ListTagsForResource: every tag in one answer (AWS does not page them either). */
export function listTagsForResource(_rt: CodePipelineRuntime) {
  return operation({
    name: "ListTagsForResource",
    input: z.object({
      resourceArn: ResourceArn,
      nextToken: awsString(1, 2048).optional(),
      maxResults: z.number().optional(),
    }),
    resource: (input) => input.resourceArn,
    handler: async (input, ctx) => ({ tags: tagsOf(await pipelineByArn(ctx.trx, ctx, input.resourceArn)) }),
  });
}
