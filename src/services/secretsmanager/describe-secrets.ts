import { z } from "zod";
import { systemClock } from "../../core/index.js";
import { decodePageToken, encodePageToken, isOffset, operation } from "../kit/index.js";
import type { SecretsManagerDeps } from "./deps.js";
import { invalidNextToken } from "./errors.js";
import { compileSecretFilters, FILTER_KEYS } from "./filters.js";
import { secretMetadata, versionsToStages } from "./outputs.js";
import {
  listSecrets as listSecretRows,
  listVersions,
  purgeExpired,
  readVersions,
  requireSecret,
  stagesOf,
} from "./secret-rows.js";
import type { SecretRow, VersionPosition } from "./secret-rows.js";
import { SecretId } from "./shapes.js";
import { awsEnum, awsInt, awsList, awsString } from "../kit/index.js";

/** Secrets Manager DescribeSecret: a secret's metadata and version labels, never its value. */
export function describeSecret(deps: SecretsManagerDeps) {
  const clock = deps.clock ?? systemClock;
  return operation({
    name: "DescribeSecret",
    input: z.object({ SecretId }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const secret = await requireSecret(ctx.trx, scope, input.SecretId, clock.now());
      const versions = await listVersions(ctx.trx, [secret.arn]);
      return { ...secretMetadata(secret), VersionIdsToStages: versionsToStages(versions) };
    },
  });
}

const FilterValue = awsString(0, 512).regex(
  /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/,
  "Member must satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$",
);

const SORT_KEYS = ["created-date", "last-accessed-date", "last-changed-date", "name"] as const;

/** Secrets Manager ListSecrets: metadata of the account's secrets, filtered and sorted, in pages. */
export function listSecrets(deps: SecretsManagerDeps) {
  const clock = deps.clock ?? systemClock;
  return operation({
    name: "ListSecrets",
    input: z.object({
      IncludePlannedDeletion: z.boolean().optional(),
      MaxResults: awsInt(1, 100).optional(),
      NextToken: awsString(1, 4096).optional(),
      Filters: awsList(
        z.object({ Key: awsEnum(FILTER_KEYS).optional(), Values: awsList(FilterValue, 1, 10).optional() }),
        0,
        10,
      ).optional(),
      SortOrder: awsEnum(["asc", "desc"]).optional(),
      SortBy: awsEnum(SORT_KEYS).optional(),
    }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      await purgeExpired(ctx.trx, scope, clock.now());
      const matches = compileSecretFilters(input.Filters ?? []);
      const sortKey = sortKeyOf(input.SortBy ?? "created-date");
      const direction = input.SortOrder === "asc" ? 1 : -1;
      const rows = (await listSecretRows(ctx.trx, scope))
        .filter((s) => (input.IncludePlannedDeletion || s.deleted_at === null) && matches(s))
        .sort((a, b) => direction * compare(sortKey(a), sortKey(b)) || compare(a.arn, b.arn));
      const start = decodeOffset("ListSecrets", input.NextToken);
      const max = input.MaxResults ?? 100;
      const page = rows.slice(start, start + max);
      const versions = await listVersions(
        ctx.trx,
        page.map((s) => s.arn),
      );
      return {
        SecretList: page.map((s) => ({
          ...secretMetadata(s),
          SecretVersionsToStages: versionsToStages(versions.filter((v) => v.secret_arn === s.arn)),
        })),
        ...(start + max < rows.length ? { NextToken: encodePageToken("ListSecrets", start + max) } : {}),
      };
    },
  });
}

/** Secrets Manager ListSecretVersionIds: a secret's versions, with or without the deprecated ones. */
export function listSecretVersionIds(deps: SecretsManagerDeps) {
  const clock = deps.clock ?? systemClock;
  return operation({
    name: "ListSecretVersionIds",
    input: z.object({
      SecretId,
      MaxResults: awsInt(1, 100).optional(),
      NextToken: awsString(1, 4096).optional(),
      IncludeDeprecated: z.boolean().optional(),
    }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const secret = await requireSecret(ctx.trx, scope, input.SecretId, clock.now());
      const listing = `ListSecretVersionIds/${secret.arn}`;
      const after = decodePageToken(input.NextToken, listing, isVersionPosition, invalidNextToken);
      const max = input.MaxResults ?? 100;
      // One more than a page tells whether a next page exists.
      const versions = await readVersions(ctx.trx, secret.arn, {
        after,
        limit: max + 1,
        stagedOnly: !input.IncludeDeprecated,
      });
      const page = versions.slice(0, max);
      const last = page[page.length - 1];
      return {
        ARN: secret.arn,
        Name: secret.name,
        Versions: page.map((v) => ({
          VersionId: v.version_id,
          VersionStages: stagesOf(v),
          ...(v.last_accessed_at !== null ? { LastAccessedDate: new Date(v.last_accessed_at) } : {}),
          CreatedDate: new Date(v.created_at),
        })),
        ...(versions.length > max && last
          ? { NextToken: encodePageToken(listing, { t: Number(last.created_at), i: last.version_id }) }
          : {}),
      };
    },
  });
}

/** A ListSecretVersionIds position: the creation time and id of the last version returned. */
function isVersionPosition(position: unknown): position is VersionPosition {
  if (typeof position !== "object" || position === null) return false;
  const { t, i } = position as Partial<VersionPosition>;
  return typeof t === "number" && Number.isSafeInteger(t) && typeof i === "string";
}

function sortKeyOf(by: (typeof SORT_KEYS)[number]): (s: SecretRow) => string | number {
  switch (by) {
    case "name":
      return (s) => s.name;
    case "last-accessed-date":
      return (s) => s.last_accessed_at ?? 0;
    case "last-changed-date":
      return (s) => s.last_changed_at;
    case "created-date":
      return (s) => s.created_at;
  }
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Offsets are enough here: a listing is sorted in memory per request and secrets are few.
function decodeOffset(listing: string, token: string | undefined): number {
  return decodePageToken(token, listing, isOffset, invalidNextToken) ?? 0;
}
