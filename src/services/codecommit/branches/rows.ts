import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { branchRef } from "../checks.js";

// Branches as the server recorded them (`codecommit_refs`): every ref change, whatever made it, is
// recorded in the transaction of the operation that made it, or before a push is answered (see
// ref-changes.ts), so these rows are what a client can have seen. Reads of a listing come from
// here, by index, never from git's whole ref list; writes still check git, which is authoritative.

const HEADS = "refs/heads/";
/** The first ref name after every `refs/heads/…` in byte order ('0' follows '/'). */
const AFTER_HEADS = "refs/heads0";

/** The commit a branch points at as recorded, or undefined when no such branch is recorded. */
export async function recordedBranchCommit(
  db: Kysely<Database>,
  repositoryId: string,
  branch: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("codecommit_refs")
    .select("commit_id")
    .where("repository_id", "=", repositoryId)
    .where("ref_name", "=", branchRef(branch))
    .executeTakeFirst();
  return row?.commit_id;
}

/**
 * Up to `limit` branch names of a repository after `after` (or from the first), in byte order —
 * git's own ref order, which ListBranches has always followed.
 */
export async function recordedBranchNames(
  db: Kysely<Database>,
  repositoryId: string,
  after: string | undefined,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom("codecommit_refs")
    .select("ref_name")
    .where("repository_id", "=", repositoryId)
    .where("ref_name", ">", after === undefined ? HEADS : branchRef(after))
    .where("ref_name", "<", AFTER_HEADS)
    .orderBy("ref_name")
    .limit(limit)
    .execute();
  return rows.map((r) => r.ref_name.slice(HEADS.length));
}
