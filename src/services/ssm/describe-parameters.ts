import { z } from "zod";
import { operation } from "../kit/index.js";
import { validationError } from "./errors.js";
import { compileLegacyFilters } from "./filters.js";
import { decodeToken, paginate } from "./pagination.js";
import { listParameters } from "./parameter-rows.js";
import { filterParameters, ParameterStringFilter } from "./parameters-by-path.js";
import { toMetadataOutput } from "./values.js";
import { awsEnum, awsInt, awsList, awsString } from "../kit/index.js";

const ParametersFilter = z.object({
  Key: awsEnum(["Name", "Type", "KeyId"]),
  Values: awsList(awsString(1, 1024), 1, 50),
});

/** SSM DescribeParameters: parameter metadata (never values), filtered, sorted by name, in pages. */
export function describeParameters() {
  return operation({
    name: "DescribeParameters",
    input: z.object({
      Filters: z.array(ParametersFilter).optional(),
      ParameterFilters: z.array(ParameterStringFilter).optional(),
      MaxResults: awsInt(1, 50).optional(),
      NextToken: z.string().optional(),
      Shared: z.boolean().optional(),
    }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      if (input.Filters?.length && input.ParameterFilters?.length) {
        throw validationError("You can use either Filters or ParameterFilters in a single request.");
      }
      const after = decodeToken<string>(input.NextToken, "describe", "string");
      // Nothing is shared across accounts here, so the shared view is empty.
      const rows = input.Shared ? [] : await listParameters(ctx.trx, scope);
      const legacy = compileLegacyFilters(input.Filters ?? []);
      const matching = await filterParameters(
        ctx.trx,
        scope,
        rows.filter((row) => legacy({ row, labels: [] })),
        input.ParameterFilters ?? [],
        "DescribeParameters",
      );
      const page = paginate(matching, (r) => r.name, after, input.MaxResults ?? 10, "describe");
      return {
        Parameters: page.items.map((row) => toMetadataOutput(scope, row)),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      };
    },
  });
}
