import { z } from "zod";
import { operation } from "../kit/index.js";
import { parameterNotFound } from "./errors.js";
import { parseParameterRef, refArn } from "./names.js";
import { deleteParameter as deleteRow, findParameter, type Scope } from "./parameter-rows.js";
import type { Kysely } from "../../platform/store/index.js";
import type { Database } from "../../platform/store/index.js";
import { awsList, awsString } from "../kit/index.js";

/** Deletes the parameter `requested` names (a name or an ARN, no selector); false when none. */
async function deleteByRef(db: Kysely<Database>, scope: Scope, requested: string): Promise<boolean> {
  const ref = parseParameterRef(requested, scope.accountId, scope.region);
  if (!ref || ref.selector !== undefined) return false;
  const param = await findParameter(db, scope, ref.candidates);
  return param ? await deleteRow(db, scope, param.name) : false;
}

/** SSM DeleteParameter: removes a parameter and its whole history. */
export function deleteParameter() {
  return operation({
    name: "DeleteParameter",
    input: z.object({ Name: awsString(1, 2048) }),
    resource: (input, ctx) => refArn(input.Name, ctx.accountId, ctx.region),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      if (!(await deleteByRef(ctx.trx, scope, input.Name))) throw parameterNotFound(input.Name);
      return {};
    },
  });
}

/** SSM DeleteParameters: removes up to ten parameters; names that match nothing are reported back. */
export function deleteParameters() {
  return operation({
    name: "DeleteParameters",
    input: z.object({ Names: awsList(awsString(1, 2048), 1, 10) }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const DeletedParameters: string[] = [];
      const InvalidParameters: string[] = [];
      for (const name of new Set(input.Names)) {
        ((await deleteByRef(ctx.trx, scope, name)) ? DeletedParameters : InvalidParameters).push(name);
      }
      return { DeletedParameters, InvalidParameters };
    },
  });
}
