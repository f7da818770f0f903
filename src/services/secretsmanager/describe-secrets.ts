import { z } from "zod";
import { systemClock } from "../../core/index.js";
import { decodePageToken, encodePageToken, operation } from "../kit/index.js";
import type { SecretsManagerDeps } from "./deps.js";
import { invalidNextToken } from "./errors.js";
import { compileSecretFilters, FILTER_KEYS, hasFilters, impliedNamePrefix } from "./filters.js";
import { secretMetadata, versionsToStages } from "./outputs.js";
import {
  listVersions,
  purgeExpired,
  readSecrets,
  readVersions,
  requireSecret,
  sortKeyOf,
  stagedVersions,
  stagesOf,
} from "./secret-rows.js";
import type { SecretPosition, SecretRow, SecretSort, VersionPosition } from "./secret-rows.js";
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
      const filters = input.Filters ?? [];
      const sortBy = input.SortBy ?? "created-date";
      const descending = input.SortOrder !== "asc";
      // The order is part of the listing: a token resumes only the order it came from.
      const listing = `ListSecrets/${sortBy}/${descending ? "desc" : "asc"}`;
      const after = decodePageToken(input.NextToken, listing, isSecretPosition(sortBy), invalidNextToken);
      const max = input.MaxResults ?? 100;
      const { page, resume } = await collectPage({
        read: (from, limit) =>
          readSecrets(ctx.trx, scope, {
            sortBy,
            descending,
            after: from,
            limit,
            includeDeleted: input.IncludePlannedDeletion === true,
            namePrefix: impliedNamePrefix(filters),
          }),
        positionOf: (s) => ({ k: sortKeyOf(s, sortBy), a: s.arn }),
        keep: hasFilters(filters) ? compileSecretFilters(filters) : undefined,
        after,
        max,
      });
      const entries = [];
      for (const s of page) {
        const versions = await stagedVersions(ctx.trx, s.arn);
        entries.push({ ...secretMetadata(s), SecretVersionsToStages: versionsToStages(versions) });
      }
      return { SecretList: entries, ...(resume ? { NextToken: encodePageToken(listing, resume) } : {}) };
    },
  });
}

/** Rows a filtered ListSecrets examines per request before it returns a short page. */
const MAX_EXAMINED = 1000;

/** How {@link collectPage} reads a listing. */
interface PageReading {
  read: (after: SecretPosition | undefined, limit: number) => Promise<SecretRow[]>;
  positionOf: (secret: SecretRow) => SecretPosition;
  /** What filters SQL cannot apply; undefined when every row read belongs on the page. */
  keep: ((secret: SecretRow) => boolean) | undefined;
  after: SecretPosition | undefined;
  max: number;
}

/**
 * One page of up to `max` secrets and where the next one resumes. Reads one more than a page (which
 * tells whether a next page exists), batch after batch while filters reject rows, and stops after
 * {@link MAX_EXAMINED} rows with a short page that resumes after the last row examined, as AWS may.
 */
async function collectPage(reading: PageReading): Promise<{ page: SecretRow[]; resume?: SecretPosition }> {
  const { keep, max, positionOf } = reading;
  const page: SecretRow[] = [];
  let cursor = reading.after;
  let examined = 0;
  while (examined < MAX_EXAMINED) {
    const limit = Math.min(max + 1, MAX_EXAMINED - examined);
    const batch = await reading.read(cursor, limit);
    for (const secret of batch) {
      examined++;
      cursor = positionOf(secret);
      if (keep && !keep(secret)) continue;
      if (page.length === max) return { page, resume: positionOf(page[max - 1]!) };
      page.push(secret);
    }
    if (batch.length < limit) return { page };
  }
  return { page, ...(cursor ? { resume: cursor } : {}) };
}

/** A guard for ListSecrets positions by `sortBy`: a name, or a date in milliseconds, and an ARN. */
function isSecretPosition(sortBy: SecretSort) {
  return (position: unknown): position is SecretPosition => {
    if (typeof position !== "object" || position === null) return false;
    const { k, a } = position as Partial<SecretPosition>;
    const key = sortBy === "name" ? typeof k === "string" : typeof k === "number" && Number.isSafeInteger(k);
    return key && typeof a === "string";
  };
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
