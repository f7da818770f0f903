import { z } from "zod";
import { operation } from "../../kit/index.js";
import { codedeployError } from "../errors.js";
import { TagShape } from "../shapes.js";
import { checkTags, MAX_RESOURCE_TAGS, mergeTags } from "./checks.js";
import { resourceByArn, setResourceTags } from "./rows.js";

// Tags of applications and deployment groups, by ARN. CreateApplication and CreateDeploymentGroup
// set the first ones.

/** TagResource: adds tags, or sets new values for keys the resource has. */
export function tagResource() {
  return operation({
    name: "TagResource",
    input: z.object({ ResourceArn: z.string().optional(), Tags: z.array(TagShape).optional() }),
    resource: (input) => input.ResourceArn ?? "*",
    handler: async (input, ctx) => {
      const resource = await resourceByArn(ctx.trx, ctx, input.ResourceArn);
      if (!input.Tags || input.Tags.length === 0)
        throw codedeployError("TagRequiredException", "Tags must hold at least one tag.");
      const tags = mergeTags(resource.tags, checkTags(input.Tags, "Tags"));
      if (tags.length > MAX_RESOURCE_TAGS) {
        throw codedeployError(
          "InvalidTagsToAddException",
          `The resource would have ${tags.length} tags; a resource can have at most ${MAX_RESOURCE_TAGS}.`,
        );
      }
      await setResourceTags(ctx.trx, resource, tags);
      return {};
    },
  });
}

/** UntagResource: removes the keys given; a key the resource lacks is no error. */
export function untagResource() {
  return operation({
    name: "UntagResource",
    input: z.object({ ResourceArn: z.string().optional(), TagKeys: z.array(z.string()).optional() }),
    resource: (input) => input.ResourceArn ?? "*",
    handler: async (input, ctx) => {
      const resource = await resourceByArn(ctx.trx, ctx, input.ResourceArn);
      if (!input.TagKeys || input.TagKeys.length === 0)
        throw codedeployError("TagRequiredException", "TagKeys must name at least one key.");
      const removed = new Set(input.TagKeys);
      await setResourceTags(
        ctx.trx,
        resource,
        resource.tags.filter((t) => !removed.has(t.Key)),
      );
      return {};
    },
  });
}

/** ListTagsForResource: every tag in one answer (at most 50). */
export function listTagsForResource() {
  return operation({
    name: "ListTagsForResource",
    input: z.object({ ResourceArn: z.string().optional(), NextToken: z.string().optional() }),
    resource: (input) => input.ResourceArn ?? "*",
    handler: async (input, ctx) => ({ Tags: (await resourceByArn(ctx.trx, ctx, input.ResourceArn)).tags }),
  });
}
