/**
 * Which instances to deploy to next, under the deployment configuration's minimum healthy hosts
 * ("CodeDeploy instance health"). An instance is healthy unless it is being deployed to or its
 * deployment failed. The fleet never goes below the minimum by taking another instance offline;
 * with nothing in progress and no failure, one instance may always proceed (so a minimum equal to
 * the fleet means one at a time). The deployment succeeds when every instance is done and at least
 * the minimum — and at least one — succeeded. Pure: the engine applies what it decides.
 */

/**
 * AWS's `MinimumHealthyHosts`, plus the type AWS itself answers for CodeDeployDefault.OneAtATime:
 * MOST_CONCURRENCY 1, all instances but one kept healthy — so a failure of the last instance still
 * lets the deployment succeed.
 */
export interface MinimumHealthyHosts {
  type: "HOST_COUNT" | "FLEET_PERCENT" | "MOST_CONCURRENCY";
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
  if (min.type === "MOST_CONCURRENCY") return Math.max(0, total - min.value);
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
  const toSucceed = Math.max(1, needed);
  const tooFew = (why: string): RolloutStep => ({
    kind: "fail",
    message:
      `The overall deployment failed because too many individual instances failed deployment, ` +
      `too few healthy instances are available for deployment, or some instances in your ` +
      `deployment group are experiencing problems (${counts.failed} of ${total} failed; ${why}).`,
  });
  if (total - counts.failed < toSucceed) return tooFew(`at least ${toSucceed} must succeed`);
  if (counts.pending === 0 && counts.inProgress === 0) {
    return counts.succeeded >= toSucceed ? { kind: "succeed" } : tooFew(`at least ${toSucceed} must succeed`);
  }
  const healthy = total - counts.failed - counts.inProgress;
  const room = Math.min(counts.pending, healthy - needed);
  if (room > 0) return { kind: "start", count: room };
  if (counts.inProgress > 0 || counts.pending === 0) return { kind: "wait" };
  if (counts.failed === 0) return { kind: "start", count: 1 };
  return tooFew(`taking another instance offline would leave fewer than ${needed} healthy`);
}
