import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { requireApplicationRow } from "../applications/rows.js";
import type { Scope } from "../scope.js";
import { normalizedRevision, revisionKey } from "./identity.js";
import type { RevisionLocation } from "./shapes.js";

export type RevisionRow = Selectable<Database["codedeploy_revisions"]>;

/** The revision `revision` of application `applicationId`, or undefined. */
export async function findRevision(
  trx: Kysely<Database>,
  applicationId: string,
  revision: RevisionLocation,
): Promise<RevisionRow | undefined> {
  return trx
    .selectFrom("codedeploy_revisions")
    .selectAll()
    .where("application_id", "=", applicationId)
    .where("revision_key", "=", revisionKey(revision))
    .executeTakeFirst();
}

/**
 * Registers a revision, or, when the application has it already, sets its description (when one is
 * given: RegisterApplicationRevision of the same location again is how AWS users change it).
 */
export async function upsertRevision(
  trx: Kysely<Database>,
  applicationId: string,
  revision: RevisionLocation,
  options: { description?: string; time: number },
): Promise<void> {
  const location = normalizedRevision(revision);
  const s3 = location.revisionType === "S3" ? location.s3Location : undefined;
  await trx
    .insertInto("codedeploy_revisions")
    .values({
      application_id: applicationId,
      revision_key: revisionKey(location),
      revision: JSON.stringify(location),
      revision_type: location.revisionType ?? "",
      s3_bucket: s3?.bucket ?? null,
      s3_key: s3?.key ?? null,
      description: options.description ?? null,
      register_time: options.time,
      first_used_time: null,
      last_used_time: null,
    })
    .onConflict((oc) =>
      oc
        .columns(["application_id", "revision_key"])
        .$call((b) =>
          options.description !== undefined
            ? b.doUpdateSet({ description: options.description })
            : b.doNothing(),
        ),
    )
    .execute();
}

/** Registers the revision if new; sets firstUsedTime (once) and lastUsedTime to `time`. */
export async function recordRevisionUsed(
  trx: Kysely<Database>,
  scope: Scope,
  applicationName: string,
  revision: RevisionLocation,
  time: number,
): Promise<void> {
  const app = await requireApplicationRow(trx, scope, applicationName);
  await upsertRevision(trx, app.application_id, revision, { time });
  const key = revisionKey(normalizedRevision(revision));
  await trx
    .updateTable("codedeploy_revisions")
    .set({ last_used_time: time })
    .where("application_id", "=", app.application_id)
    .where("revision_key", "=", key)
    .execute();
  await trx
    .updateTable("codedeploy_revisions")
    .set({ first_used_time: time })
    .where("application_id", "=", app.application_id)
    .where("revision_key", "=", key)
    .where("first_used_time", "is", null)
    .execute();
}

export function revisionOf(row: RevisionRow): RevisionLocation {
  return JSON.parse(row.revision) as RevisionLocation;
}
