import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../../platform/store/index.js";
import { decodePageToken, encodePageToken, operation } from "../../kit/index.js";
import { applicationArn, requireApplicationRow } from "../applications/rows.js";
import type { CodeDeployRuntime } from "../deps.js";
import { codedeployError, invalidNextToken } from "../errors.js";
import { APPLICATION_NAME, checkName } from "../names.js";
import { boundedPage, examinedFor } from "../pagination.js";
import { NameInput } from "../shapes.js";
import { checkRevisionBucket, checkRevisionShape } from "./checks.js";
import { findRevision, revisionOf, upsertRevision, type RevisionRow } from "./rows.js";
import { RevisionLocationShape } from "./shapes.js";

/** The most characters a revision's description can have. */
export const MAX_DESCRIPTION = 100;
/** The most revisions BatchGetApplicationRevisions takes. */
const MAX_BATCH = 25;

/** The groups of an application whose current target a revision is (`deploymentGroups`). */
async function groupsTargeting(trx: Kysely<Database>, applicationId: string, key: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("codedeploy_deployment_groups")
    .select("name")
    .where("application_id", "=", applicationId)
    .where("target_revision_key", "=", key)
    .orderBy("name")
    .execute();
  return rows.map((r) => r.name);
}

/** `GenericRevisionInfo`, built from its output shape. */
async function genericRevisionInfo(trx: Kysely<Database>, row: RevisionRow) {
  return {
    ...(row.description !== null ? { description: row.description } : {}),
    deploymentGroups: await groupsTargeting(trx, row.application_id, row.revision_key),
    ...(row.first_used_time !== null ? { firstUsedTime: new Date(Number(row.first_used_time)) } : {}),
    ...(row.last_used_time !== null ? { lastUsedTime: new Date(Number(row.last_used_time)) } : {}),
    registerTime: new Date(Number(row.register_time)),
  };
}

/**
 * RegisterApplicationRevision: records where a revision is (what `aws deploy push` calls after
 * uploading the bundle). Registering the same location again keeps it one revision and replaces
 * its description.
 */
export function registerApplicationRevision(rt: CodeDeployRuntime) {
  return operation({
    name: "RegisterApplicationRevision",
    input: z.object({
      applicationName: NameInput,
      description: z.string().optional(),
      revision: RevisionLocationShape.optional(),
    }),
    resource: (input, ctx) => applicationArn(ctx, input.applicationName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.applicationName, APPLICATION_NAME);
      if (input.description !== undefined && input.description.length > MAX_DESCRIPTION) {
        throw codedeployError(
          "DescriptionTooLongException",
          `description has ${input.description.length} characters; it can have at most ${MAX_DESCRIPTION}.`,
        );
      }
      const revision = checkRevisionShape(input.revision);
      const app = await requireApplicationRow(ctx.trx, ctx, name);
      await checkRevisionBucket(ctx.trx, rt.revisionBuckets, revision, ctx.region);
      await upsertRevision(ctx.trx, app.application_id, revision, {
        ...(input.description !== undefined ? { description: input.description } : {}),
        time: rt.clock.now(),
      });
      return {};
    },
  });
}

/** GetApplicationRevision: RevisionDoesNotExistException for a location never registered or deployed. */
export function getApplicationRevision() {
  return operation({
    name: "GetApplicationRevision",
    input: z.object({ applicationName: NameInput, revision: RevisionLocationShape.optional() }),
    resource: (input, ctx) => applicationArn(ctx, input.applicationName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.applicationName, APPLICATION_NAME);
      const revision = checkRevisionShape(input.revision);
      const app = await requireApplicationRow(ctx.trx, ctx, name);
      const row = await findRevision(ctx.trx, app.application_id, revision);
      if (!row) {
        throw codedeployError(
          "RevisionDoesNotExistException",
          `Application ${JSON.stringify(app.name)} has no such revision; register it with RegisterApplicationRevision (aws deploy push does).`,
        );
      }
      return {
        applicationName: app.name,
        revision: revisionOf(row),
        revisionInfo: await genericRevisionInfo(ctx.trx, row),
      };
    },
  });
}

/**
 * BatchGetApplicationRevisions: up to 25 locations. Those the application does not have are left
 * out and named in `errorMessage`.
 */
export function batchGetApplicationRevisions() {
  return operation({
    name: "BatchGetApplicationRevisions",
    input: z.object({ applicationName: NameInput, revisions: z.array(RevisionLocationShape).optional() }),
    resource: (input, ctx) => applicationArn(ctx, input.applicationName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.applicationName, APPLICATION_NAME);
      const revisions = input.revisions ?? [];
      if (revisions.length === 0)
        throw codedeployError("RevisionRequiredException", "revisions must hold at least one revision.");
      if (revisions.length > MAX_BATCH) {
        throw codedeployError(
          "BatchLimitExceededException",
          `revisions has ${revisions.length} locations; BatchGetApplicationRevisions takes at most ${MAX_BATCH}.`,
        );
      }
      const checked = revisions.map((r, i) => checkRevisionShape(r, `revisions[${i}]`));
      const app = await requireApplicationRow(ctx.trx, ctx, name);
      const found = [];
      const missing: number[] = [];
      for (const [i, revision] of checked.entries()) {
        const row = await findRevision(ctx.trx, app.application_id, revision);
        if (!row) missing.push(i);
        else
          found.push({
            revisionLocation: revisionOf(row),
            genericRevisionInfo: await genericRevisionInfo(ctx.trx, row),
          });
      }
      return {
        applicationName: app.name,
        ...(missing.length > 0
          ? {
              errorMessage: `Application ${app.name} has no revision at revisions[${missing.join("], revisions[")}].`,
            }
          : {}),
        revisions: found,
      };
    },
  });
}

const SORT_COLUMNS = {
  registerTime: "register_time",
  firstUsedTime: "first_used_time",
  lastUsedTime: "last_used_time",
} as const;

/**
 * ListApplicationRevisions: the application's revisions, filtered by S3 bucket and key prefix and by
 * whether they were deployed, sorted by one of their times (ascending unless told), 100 a page.
 */
export function listApplicationRevisions() {
  return operation({
    name: "ListApplicationRevisions",
    input: z.object({
      applicationName: NameInput,
      sortBy: z.string().optional(),
      sortOrder: z.string().optional(),
      s3Bucket: z.string().optional(),
      s3KeyPrefix: z.string().optional(),
      deployed: z.string().optional(),
      nextToken: z.string().optional(),
    }),
    resource: (input, ctx) => applicationArn(ctx, input.applicationName ?? ""),
    handler: async (input, ctx) => {
      const name = checkName(input.applicationName, APPLICATION_NAME);
      const q = checkListFilters(input);
      const app = await requireApplicationRow(ctx.trx, ctx, name);
      const listing = `ListApplicationRevisions/${app.application_id}/${JSON.stringify(q)}`;
      const after = decodePageToken(input.nextToken, listing, isRevisionPosition, invalidNextToken);
      // Bucket, key prefix and "deployed" are not in the sort's index: a page filtered by them looks
      // at no more than EXAMINED_PER_PAGE revisions and may come back short.
      const filtered = q.s3Bucket !== undefined || q.s3KeyPrefix !== undefined || q.deployed !== "ignore";
      const examined = examinedFor(filtered);
      const rows = await revisionsInOrder(ctx.trx, app.application_id, q, after, examined);
      const { page, resumeAfter } = boundedPage(rows, examined, (r) => revisionMatches(r, q));
      const column = SORT_COLUMNS[q.sortBy];
      return {
        revisions: page.map(revisionOf),
        ...(resumeAfter
          ? {
              nextToken: encodePageToken(listing, {
                t: resumeAfter[column] === null ? -1 : Number(resumeAfter[column]),
                k: resumeAfter.revision_key,
              }),
            }
          : {}),
      };
    },
  });
}

type ListFilters = ReturnType<typeof checkListFilters>;

/**
 * Where ListApplicationRevisions resumes: after the revision whose sort time is `t` (-1: it has
 * none, so it is among the never-used revisions listed last) and key is `k`.
 */
const isRevisionPosition = (position: unknown): position is { t: number; k: string } =>
  typeof position === "object" &&
  position !== null &&
  Number.isInteger((position as { t?: unknown }).t) &&
  typeof (position as { k?: unknown }).k === "string";

/**
 * Up to `limit` of an application's revisions in the listing's order, after `after`: those with a
 * sort time by it (then by key), then those without one by key, each part read from the index
 * `(application_id, <time>, revision_key)`.
 */
async function revisionsInOrder(
  db: Kysely<Database>,
  applicationId: string,
  q: ListFilters,
  after: { t: number; k: string } | undefined,
  limit: number,
): Promise<RevisionRow[]> {
  const column = SORT_COLUMNS[q.sortBy];
  const descending = q.sortOrder === "descending";
  // A revision never deployed has no first use: "deployed" on firstUsedTime picks one part.
  const timed = !(column === "first_used_time" && q.deployed === "exclude");
  const untimed = column !== "register_time" && !(column === "first_used_time" && q.deployed === "include");
  const base = () =>
    db.selectFrom("codedeploy_revisions").selectAll().where("application_id", "=", applicationId);
  const rows: RevisionRow[] = [];
  if (timed && (after === undefined || after.t >= 0)) {
    rows.push(
      ...(await base()
        .where(column, "is not", null)
        .$if(after !== undefined, (b) =>
          b.where((eb) =>
            eb.or([
              eb(column, descending ? "<" : ">", after!.t),
              eb.and([eb(column, "=", after!.t), eb("revision_key", ">", after!.k)]),
            ]),
          ),
        )
        .orderBy(column, descending ? "desc" : "asc")
        .orderBy("revision_key")
        .limit(limit)
        .execute()),
    );
  }
  if (untimed && rows.length < limit) {
    rows.push(
      ...(await base()
        .where(column, "is", null)
        .$if(after !== undefined && after.t < 0, (b) => b.where("revision_key", ">", after!.k))
        .orderBy("revision_key")
        .limit(limit - rows.length)
        .execute()),
    );
  }
  return rows;
}

/** Whether a revision passes the listing's bucket, key prefix and "deployed" filters. */
function revisionMatches(r: RevisionRow, q: ListFilters): boolean {
  // A key prefix may hold LIKE's wildcards, so it is compared here rather than in SQL.
  return (
    (q.s3Bucket === undefined || r.s3_bucket === q.s3Bucket) &&
    (q.s3KeyPrefix === undefined || (r.s3_key ?? "").startsWith(q.s3KeyPrefix)) &&
    (q.deployed !== "include" || r.first_used_time !== null) &&
    (q.deployed !== "exclude" || r.first_used_time === null)
  );
}

/** The listing's filters with AWS's exceptions for values outside their sets; defaults filled in. */
function checkListFilters(input: {
  sortBy?: string | undefined;
  sortOrder?: string | undefined;
  s3Bucket?: string | undefined;
  s3KeyPrefix?: string | undefined;
  deployed?: string | undefined;
}) {
  const sortBy = input.sortBy ?? "registerTime";
  if (!(sortBy in SORT_COLUMNS)) {
    throw codedeployError(
      "InvalidSortByException",
      `sortBy must be registerTime, firstUsedTime or lastUsedTime, not ${JSON.stringify(sortBy)}.`,
    );
  }
  const sortOrder = input.sortOrder ?? "ascending";
  if (sortOrder !== "ascending" && sortOrder !== "descending") {
    throw codedeployError(
      "InvalidSortOrderException",
      `sortOrder must be ascending or descending, not ${JSON.stringify(sortOrder)}.`,
    );
  }
  const deployed = input.deployed ?? "ignore";
  if (deployed !== "include" && deployed !== "exclude" && deployed !== "ignore") {
    throw codedeployError(
      "InvalidDeployedStateFilterException",
      `deployed must be include, exclude or ignore, not ${JSON.stringify(deployed)}.`,
    );
  }
  if (input.s3Bucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(input.s3Bucket)) {
    throw codedeployError(
      "InvalidBucketNameFilterException",
      `s3Bucket ${JSON.stringify(input.s3Bucket)} is not an S3 bucket name.`,
    );
  }
  if (input.s3KeyPrefix !== undefined && input.s3Bucket === undefined) {
    throw codedeployError(
      "BucketNameFilterRequiredException",
      "s3KeyPrefix filters keys of one bucket: give s3Bucket too.",
    );
  }
  if (input.s3KeyPrefix !== undefined && input.s3KeyPrefix.length > 1024) {
    throw codedeployError(
      "InvalidKeyPrefixFilterException",
      `s3KeyPrefix has ${input.s3KeyPrefix.length} characters; an S3 key has at most 1024.`,
    );
  }
  return {
    sortBy: sortBy as keyof typeof SORT_COLUMNS,
    sortOrder,
    deployed,
    ...(input.s3Bucket !== undefined ? { s3Bucket: input.s3Bucket } : {}),
    ...(input.s3KeyPrefix !== undefined ? { s3KeyPrefix: input.s3KeyPrefix } : {}),
  };
}
