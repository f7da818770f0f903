import { z } from "zod";
import { operation, queryService, type ServiceModule } from "../kit/index.js";

/** STS GetCallerIdentity: who am I? The first command a new user types. */
export function getCallerIdentity() {
  return operation({
    name: "GetCallerIdentity",
    input: z.object({}).passthrough(),
    handler: async (_input, ctx) => ({
      UserId: ctx.principal.isRoot ? ctx.accountId : ctx.principal.userId,
      Account: ctx.accountId,
      Arn: ctx.principal.arn,
    }),
  });
}

/** STS over the Query protocol (version 2011-06-15). */
export function createSts(): ServiceModule {
  const query = queryService({
    signingName: "sts",
    actionPrefix: "sts",
    xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
    validationErrorCode: "ValidationError",
    operations: [getCallerIdentity()],
  });
  return { name: "sts", query };
}
