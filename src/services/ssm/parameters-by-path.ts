import { z } from "zod";
import type { Kysely } from "../../platform/store/index.js";
import type { Database } from "../../platform/store/index.js";
import { operation } from "../kit/index.js";
import type { SsmDeps } from "./deps.js";
import { compileFilters, type FilterSite, type FilterSubject, type StringFilterInput } from "./filters.js";
import { isUnderPath, normalizePath } from "./names.js";
import { byName, decodeToken, paginate } from "./pagination.js";
import { currentVersions, listParameters, type ParameterRow, type Scope } from "./parameter-rows.js";
import { toParameterOutput } from "./values.js";
import { awsInt, awsList, awsString } from "../kit/index.js";

/** The `ParameterStringFilter` shape, as the model constrains it. */
export const ParameterStringFilter = z.object({
  Key: awsString(1, 132),
  Option: awsString(1, 10).optional(),
  Values: awsList(awsString(1, 1024), 1, 50).optional(),
});

/** The parameters that pass `filters`, sorted by name; labels are read only when a filter needs them. */
export async function filterParameters(
  db: Kysely<Database>,
  scope: Scope,
  rows: ParameterRow[],
  filters: readonly StringFilterInput[],
  site: FilterSite,
): Promise<ParameterRow[]> {
  const predicate = compileFilters(filters, site);
  let subjects: FilterSubject[] = rows.map((row) => ({ row, labels: [] }));
  if (filters.some((f) => f.Key === "Label")) {
    const versions = await currentVersions(db, scope, rows);
    subjects = rows.map((row, i) => ({ row, labels: JSON.parse(versions[i]!.labels) as string[] }));
  }
  return subjects
    .filter(predicate)
    .map((s) => s.row)
    .sort(byName);
}

/** SSM GetParametersByPath: the parameters under a path, one level or all the way down, in pages. */
export function getParametersByPath(deps: SsmDeps) {
  return operation({
    name: "GetParametersByPath",
    input: z.object({
      Path: awsString(1, 2048),
      Recursive: z.boolean().optional(),
      ParameterFilters: z.array(ParameterStringFilter).optional(),
      WithDecryption: z.boolean().optional(),
      MaxResults: awsInt(1, 10).optional(),
      NextToken: z.string().optional(),
    }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const path = normalizePath(input.Path);
      const recursive = input.Recursive ?? false;
      const listing = `path:${recursive ? "r" : "1"}:${path}`;
      const after = decodeToken<string>(input.NextToken, listing, "string");
      // The root holds both `/x` and `x`, so it cannot narrow the query by prefix.
      const rows = await listParameters(ctx.trx, scope, path === "/" ? "" : `${path}/`);
      const under = rows.filter((r) => isUnderPath(r.name, path, recursive));
      const matching = await filterParameters(
        ctx.trx,
        scope,
        under,
        input.ParameterFilters ?? [],
        "GetParametersByPath",
      );
      const page = paginate(matching, (r) => r.name, after, input.MaxResults ?? 10, listing);
      const versions = await currentVersions(ctx.trx, scope, page.items);
      return {
        Parameters: versions.map((v) =>
          toParameterOutput(deps.envelope, scope, v, input.WithDecryption ?? false),
        ),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      };
    },
  });
}
