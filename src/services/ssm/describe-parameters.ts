import { z } from "zod";
import { operation } from "../kit/index.js";
import { validationError } from "./errors.js";
import { compileFilters, filtersNameRange, filtersSkip, fromLegacyFilters } from "./filters.js";
import { decodeToken, encodeToken } from "./pagination.js";
import { scanParameters } from "./parameter-scan.js";
import { ParameterStringFilter } from "./parameters-by-path.js";
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
      const filters = [...fromLegacyFilters(input.Filters ?? []), ...(input.ParameterFilters ?? [])];
      const predicate = compileFilters(filters, "DescribeParameters");
      // Nothing is shared across accounts here, so the shared view is empty.
      if (input.Shared) return { Parameters: [] };
      const skip = filtersSkip(filters);
      const page = await scanParameters(ctx.trx, scope, {
        range: filtersNameRange(filters),
        after,
        max: input.MaxResults ?? 10,
        keep: (rows) => rows.filter((row) => predicate({ row, labels: [] })),
        ...(skip ? { skip } : {}),
      });
      return {
        Parameters: page.rows.map((row) => toMetadataOutput(scope, row)),
        ...(page.resumeAfter !== undefined ? { NextToken: encodeToken("describe", page.resumeAfter) } : {}),
      };
    },
  });
}
