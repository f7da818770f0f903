/**
 * Which instances to deploy to next, under the deployment configuration's minimum healthy hosts
 * ("Working with deployment configurations in CodeDeploy"). An instance is healthy unless it is
 * being deployed to or its deployment failed; the fleet never goes below the minimum, except that
 * one instance is always allowed to proceed (so a minimum equal to the fleet, like OneAtATime's
 * 99 %, means one at a time). Pure: the engine applies what it decides.
 */

/** AWS's `MinimumHealthyHosts`. */
export interface MinimumHealthyHosts {
  type: "HOST_COUNT" | "FLEET_PERCENT";
  value: number;
}

/** How many instances are in each state. */
export interface RolloutCounts {
  pending: number;
  inProgress: number;
  succeeded: number;
  failed: number;
}

/** What to do now. */
export type RolloutStep =
  | { kind: "start"; count: number }
  | { kind: "wait" }
  | { kind: "succeed" }
  | { kind: "fail"; message: string };

/** The minimum number of healthy instances of a fleet of `total`: percentages round up, as on AWS. */
export function minimumHealthyCount(min: MinimumHealthyHosts, total: number): number {
  return min.type === "HOST_COUNT" ? min.value : Math.ceil((total * min.value) / 100);
}

/**
 * Why a fleet of `total` cannot be deployed under `min` at all (AWS's HEALTH_CONSTRAINTS_INVALID),
 * or undefined when it can.
 */
export function invalidHealthConstraints(min: MinimumHealthyHosts, total: number): string | undefined {
  const needed = minimumHealthyCount(min, total);
  if (needed > total || (min.type === "HOST_COUNT" && needed === total)) {
    return (
      `The deployment failed because the minimum number of healthy instances (${needed}, from ` +
      `${min.type} ${min.value}) cannot be met by ${total} instance${total === 1 ? "" : "s"}: ` +
      `use a deployment configuration whose minimum is below the number of instances.`
    );
  }
  return undefined;
}

/** The next step of a rollout of `total` instances in `counts`. */
export function nextRolloutStep(min: MinimumHealthyHosts, counts: RolloutCounts): RolloutStep {
  const total = counts.pending + counts.inProgress + counts.succeeded + counts.failed;
  const needed = minimumHealthyCount(min, total);
  if (counts.failed > 0 && total - counts.failed < needed) {
    return {
      kind: "fail",
      message:
        `The overall deployment failed because too many individual instances failed deployment, ` +
        `too few healthy instances are available for deployment, or some instances in your ` +
        `deployment group are experiencing problems (${counts.failed} of ${total} failed; at least ` +
        `${needed} must stay healthy).`,
    };
  }
  if (counts.pending === 0 && counts.inProgress === 0) {
    if (counts.succeeded >= Math.max(1, needed)) return { kind: "succeed" };
    return {
      kind: "fail",
      message: `The deployment failed: ${counts.succeeded} of ${total} instances succeeded, ${Math.max(1, needed)} needed.`,
    };
  }
  const healthy = total - counts.failed - counts.inProgress;
  let count = Math.min(counts.pending, healthy - needed);
  if (count < 1 && counts.inProgress === 0 && counts.pending > 0) count = 1;
  return count > 0 ? { kind: "start", count } : { kind: "wait" };
}
