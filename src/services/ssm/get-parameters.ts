import { z } from "zod";
import { isServiceError } from "../../core/index.js";
import type { Kysely } from "../../platform/store/index.js";
import type { Database } from "../../platform/store/index.js";
import { operation } from "../kit/index.js";
import type { SsmDeps } from "./deps.js";
import { parameterNotFound, parameterVersionNotFound } from "./errors.js";
import { parseParameterRef, refArn } from "./names.js";
import { decodeToken, encodeToken } from "./pagination.js";
import {
  findParameter,
  findVersion,
  listVersions,
  readVersions,
  type Scope,
  type VersionRow,
} from "./parameter-rows.js";
import { toHistoryOutput, toParameterOutput } from "./values.js";
import { awsInt, awsList, awsString } from "../kit/index.js";

/** A version found by a reference, and the selector that found it. */
export interface ResolvedVersion {
  row: VersionRow;
  selector?: string;
}

/**
 * The version `requested` names: `name` (the current version), `name:3`, `name:label`, or an ARN
 * of any of those. Throws ParameterNotFound or ParameterVersionNotFound with AWS's messages.
 */
export async function resolveParameter(
  db: Kysely<Database>,
  scope: Scope,
  requested: string,
): Promise<ResolvedVersion> {
  const ref = parseParameterRef(requested, scope.accountId, scope.region);
  const param = ref && (await findParameter(db, scope, ref.candidates));
  if (!ref || !param) throw parameterNotFound(requested);
  const { selector } = ref;
  if (selector === undefined) {
    const row = await findVersion(db, scope, param.name, param.version);
    if (!row) throw parameterNotFound(requested);
    return { row };
  }
  if (/^\d+$/.test(selector)) {
    const row = await findVersion(db, scope, param.name, Number(selector));
    if (!row) throw parameterVersionNotFound(param.name, selector);
    return { row, selector };
  }
  const versions = await listVersions(db, scope, param.name);
  const row = versions.find((v) => (JSON.parse(v.labels) as string[]).includes(selector));
  if (!row) throw parameterNotFound(requested);
  return { row, selector };
}

const Name = awsString(1, 2048);

/** SSM GetParameter: one parameter, the current version or the one a selector names. */
export function getParameter(deps: SsmDeps) {
  return operation({
    name: "GetParameter",
    input: z.object({ Name, WithDecryption: z.boolean().optional() }),
    resource: (input, ctx) => refArn(input.Name, ctx.accountId, ctx.region),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const { row, selector } = await resolveParameter(ctx.trx, scope, input.Name);
      return {
        Parameter: toParameterOutput(deps.envelope, scope, row, input.WithDecryption ?? false, selector),
      };
    },
  });
}

/** SSM GetParameters: up to ten parameters; names that match nothing come back as InvalidParameters. */
export function getParameters(deps: SsmDeps) {
  return operation({
    name: "GetParameters",
    input: z.object({ Names: awsList(Name, 1, 10), WithDecryption: z.boolean().optional() }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const Parameters = [];
      const InvalidParameters: string[] = [];
      for (const requested of new Set(input.Names)) {
        try {
          const { row, selector } = await resolveParameter(ctx.trx, scope, requested);
          Parameters.push(
            toParameterOutput(deps.envelope, scope, row, input.WithDecryption ?? false, selector),
          );
        } catch (err) {
          if (!isServiceError(err) || !["ParameterNotFound", "ParameterVersionNotFound"].includes(err.code)) {
            throw err;
          }
          InvalidParameters.push(requested);
        }
      }
      return { Parameters, InvalidParameters };
    },
  });
}

/** SSM GetParameterHistory: every kept version of a parameter, oldest first, in pages. */
export function getParameterHistory(deps: SsmDeps) {
  return operation({
    name: "GetParameterHistory",
    input: z.object({
      Name,
      WithDecryption: z.boolean().optional(),
      MaxResults: awsInt(1, 50).optional(),
      NextToken: z.string().optional(),
    }),
    resource: (input, ctx) => refArn(input.Name, ctx.accountId, ctx.region),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const after = decodeToken<number>(input.NextToken, `history:${input.Name}`, "number");
      const ref = parseParameterRef(input.Name, scope.accountId, scope.region);
      const param = ref && !ref.selector ? await findParameter(ctx.trx, scope, ref.candidates) : undefined;
      if (!param) throw parameterNotFound(input.Name);
      const max = input.MaxResults ?? 50;
      // One more than a page tells whether a next page exists.
      const versions = await readVersions(ctx.trx, scope, param.name, after, max + 1);
      const page = versions.slice(0, max);
      const more = versions.length > max;
      return {
        Parameters: page.map((v) => toHistoryOutput(deps.envelope, scope, v, input.WithDecryption ?? false)),
        ...(more ? { NextToken: encodeToken(`history:${input.Name}`, page[max - 1]!.version) } : {}),
      };
    },
  });
}
