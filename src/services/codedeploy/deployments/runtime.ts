import type { Clock, Logger } from "../../../core/index.js";
import type { Bus } from "../../../platform/bus/index.js";
import type { Queue } from "../../../platform/queue/index.js";
import type { Store } from "../../../platform/store/index.js";
import type { AlarmCheck } from "./alarm-names.js";

/** Wakes agents' long polls when a command is waiting for them. */
export interface HostWaiters {
  /** Resolves when `key` is woken or `ms` have passed. */
  wait(key: string, ms: number, signal?: AbortSignal): Promise<void>;
  wake(key: string): void;
}

/** The load balancer side of traffic control: BlockTraffic and AllowTraffic. */
export interface TrafficControl {
  /**
   * Takes `instance` out of the group's load balancer and waits until its in-flight requests have
   * drained (BlockTraffic), or puts it in (AllowTraffic). Throws with a message for the event's
   * diagnostics when it cannot.
   */
  block(target: TrafficTarget): Promise<void>;
  allow(target: TrafficTarget): Promise<void>;
}

/** An instance of a deployment group, as traffic control sees it. */
export interface TrafficTarget {
  accountId: string;
  region: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentGroupId: string;
  instanceName: string;
  /** The instance's tags: where its application listens is one of them. */
  tags: Array<{ Key: string; Value: string }>;
  /** The deployment group's own tags (TagResource): its balancer's port is one of them. */
  groupTags: Array<{ Key: string; Value: string }>;
  loadBalancerInfo?: Record<string, unknown>;
}

/** What one reading of an alarm found: healthy, in ALARM, or no state at all (a poll failure). */
export type AlarmReading =
  { state: "OK" } | { state: "ALARM"; reason: string } | { state: "UNKNOWN"; reason: string };

/** Runs the health checks that stand in for a deployment group's CloudWatch alarms. */
export interface AlarmChecks {
  /**
   * Runs `check` once and says what it found; never throws. ALARM when the check ran and failed
   * (an error status, a refused connection, a command's non-zero exit), UNKNOWN when it could not
   * be run. `reason` names the URL or command and what happened.
   */
  check(check: AlarmCheck): Promise<AlarmReading>;
}

/** How long the server waits for agents. */
export interface DeploymentTimeouts {
  /**
   * An agent that neither picks up a command nor reports on one it runs for this long fails the
   * instance's event (AWS: "the agent … stopped reporting"). Default 5 minutes; agents report
   * every few seconds while a hook runs.
   */
  agentMs: number;
  /** How long a PollHostCommand waits for a command before answering with none. Default 20 s. */
  pollHoldMs: number;
  /** How often a deployment's alarms are checked while it is in progress. Default 5 s. */
  alarmPollMs: number;
}

export const DEFAULT_DEPLOYMENT_TIMEOUTS: DeploymentTimeouts = {
  agentMs: 5 * 60_000,
  pollHoldMs: 20_000,
  alarmPollMs: 5_000,
};

/** What the deployment engine needs. */
export interface DeploymentRuntime {
  store: Store;
  queue: Queue;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  hosts: HostWaiters;
  traffic?: TrafficControl;
  /** The checks behind alarms; without it every alarm is a poll failure. */
  alarms?: AlarmChecks;
  timeouts: DeploymentTimeouts;
}

/** Job kinds of the engine. */
export const COMMAND_TIMEOUT_JOB = "codedeploy.command-timeout";
export const TRAFFIC_JOB = "codedeploy.traffic";
export const ROLLBACK_JOB = "codedeploy.rollback";
/** The end of a blue/green wait: for ContinueDeployment (READY_WAIT) or before releasing the original instances. */
export const BLUE_GREEN_WAIT_JOB = "codedeploy.blue-green-wait";
export const ALARM_JOB = "codedeploy.alarms";

/** The long-poll key of one instance. */
export function hostKey(scope: { account_id: string; region: string }, instanceName: string): string {
  return `${scope.account_id}/${scope.region}/${instanceName}`;
}

/** In-process wake-ups for long polls (one server; other servers' agents re-check every second). */
export function createHostWaiters(): HostWaiters {
  const waiting = new Map<string, Set<() => void>>();
  return {
    wait(key, ms, signal) {
      return new Promise((resolve) => {
        let set = waiting.get(key);
        if (!set) waiting.set(key, (set = new Set()));
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          set.delete(done);
          if (set.size === 0 && waiting.get(key) === set) waiting.delete(key);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener("abort", done);
        set.add(done);
      });
    },
    wake(key) {
      for (const done of [...(waiting.get(key) ?? [])]) done();
    },
  };
}
