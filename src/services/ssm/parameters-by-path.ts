import { z } from "zod";
import type { Kysely } from "../../platform/store/index.js";
import type { Database } from "../../platform/store/index.js";
import { operation } from "../kit/index.js";
import type { SsmDeps } from "./deps.js";
import { compileFilters, pathRange, type FilterSubject, type StringFilterInput } from "./filters.js";
import { skipSubtree } from "./name-range.js";
import { isUnderPath, normalizePath } from "./names.js";
import { decodeToken, encodeToken } from "./pagination.js";
import { currentVersions, type ParameterRow, type Scope } from "./parameter-rows.js";
import { scanParameters } from "./parameter-scan.js";
import { toParameterOutput } from "./values.js";
import { awsInt, awsList, awsString } from "../kit/index.js";

/** The `ParameterStringFilter` shape, as the model constrains it. */
export const ParameterStringFilter = z.object({
  Key: awsString(1, 132),
  Option: awsString(1, 10).optional(),
  Values: awsList(awsString(1, 1024), 1, 50).optional(),
});

/**
 * A test of GetParametersByPath's filters on a batch of rows (in name order); the labels of the
 * current versions are read, one primary-key lookup per row, only when a filter needs them.
 */
function pathFilters(
  db: Kysely<Database>,
  scope: Scope,
  filters: readonly StringFilterInput[],
  path: string,
  recursive: boolean,
): (rows: ParameterRow[]) => Promise<ParameterRow[]> {
  const predicate = compileFilters(filters, "GetParametersByPath");
  const needsLabels = filters.some((f) => f.Key === "Label");
  return async (batch) => {
    const under = batch.filter((r) => isUnderPath(r.name, path, recursive));
    let subjects: FilterSubject[] = under.map((row) => ({ row, labels: [] }));
    if (needsLabels) {
      const versions = await currentVersions(db, scope, under);
      subjects = under.map((row, i) => ({ row, labels: JSON.parse(versions[i]!.labels) as string[] }));
    }
    return subjects.filter(predicate).map((s) => s.row);
  };
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
      const keep = pathFilters(ctx.trx, scope, input.ParameterFilters ?? [], path, recursive);
      const page = await scanParameters(ctx.trx, scope, {
        range: pathRange(path),
        after,
        max: input.MaxResults ?? 10,
        keep,
        ...(recursive ? {} : { skip: (name: string) => skipSubtree(path, name) }),
      });
      const versions = await currentVersions(ctx.trx, scope, page.rows);
      return {
        Parameters: versions.map((v) =>
          toParameterOutput(deps.envelope, scope, v, input.WithDecryption ?? false),
        ),
        ...(page.resumeAfter !== undefined ? { NextToken: encodeToken(listing, page.resumeAfter) } : {}),
      };
    },
  });
}
