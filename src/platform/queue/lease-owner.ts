import { hostname } from "node:os";
import type { Executor } from "./types.js";

/**
 * Lease owners are `<hostname>/<pid>/<random>`. A lease whose owner is a process of this machine
 * that no longer runs — the usual case: a server killed with -9 and started again — can be taken
 * over at once instead of after its timeout. An owner on another machine, or in another form, is
 * never called dead (its lease runs out on its own). Machines that share a database must have
 * distinct host names.
 */

function ownerPid(owner: string): number | undefined {
  const [host, pidText] = owner.split("/");
  const pid = Number(pidText);
  return host === hostname() && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * True when a lease `owner` names a worker of a process on this machine that no longer runs (or is
 * this very process, before any of its workers started): its leases can be treated as expired at
 * once instead of after their timeout.
 */
export function isLeaseOwnerGone(owner: string): boolean {
  const pid = ownerPid(owner);
  if (pid === undefined) return false;
  return pid === process.pid || processGone(pid);
}

/** True when `owner` is another process of this machine that no longer runs (never this process). */
export function isOtherLeaseOwnerDead(owner: string): boolean {
  const pid = ownerPid(owner);
  return pid !== undefined && pid !== process.pid && processGone(pid);
}

/**
 * Ends now the unexpired job leases of processes of this machine that died, so their jobs can be
 * claimed again without waiting out the lease. Returns how many leases it ended.
 */
export async function expireDeadOwnersLeases(db: Executor, now: number): Promise<number> {
  const owners = await db
    .selectFrom("jobs")
    .select("lease_owner")
    .distinct()
    .where("lease_owner", "is not", null)
    .where("lease_expires_at", ">", now)
    .execute();
  let ended = 0;
  for (const { lease_owner: owner } of owners) {
    if (owner === null || !isOtherLeaseOwnerDead(owner)) continue;
    const result = await db
      .updateTable("jobs")
      .set({ lease_expires_at: now })
      .where("lease_owner", "=", owner)
      .where("lease_expires_at", ">", now)
      .executeTakeFirst();
    ended += Number(result.numUpdatedRows);
  }
  return ended;
}
