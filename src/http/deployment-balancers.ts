import { refusedAddress, type Logger } from "../core/index.js";
import type { TrafficControl, TrafficTarget } from "../services/codedeploy/index.js";
import { startLoadBalancer, type BalancerTarget, type LoadBalancer } from "./balancer/index.js";

/** The deployment group tag that names its load balancer's port on the server's host. */
export const BALANCER_PORT_TAG = "pipewright:balancer-port";
/** The instance tag that says where its application listens: `host:port`, or a port of 127.0.0.1. */
export const APP_ADDRESS_TAG = "pipewright:app";

/** Options of {@link createDeploymentBalancers}. */
export interface DeploymentBalancersOptions {
  /** Address the balancers listen on (the server's). */
  host: string;
  logger: Logger;
  /** Longest wait for an instance's requests in flight at BlockTraffic; default 30 s. */
  drainMs?: number;
}

/** The server's load balancers, one per deployment group with traffic control. */
export interface DeploymentBalancers extends TrafficControl {
  /** The group's balancer, when it runs. */
  balancerOf(deploymentGroupId: string): LoadBalancer | undefined;
  close(): Promise<void>;
}

/**
 * Traffic control for CodeDeploy: AllowTraffic registers an instance with its deployment group's
 * balancer, BlockTraffic deregisters it and waits for its requests in flight to finish. A group's
 * balancer starts with its first traffic event, on the port its `pipewright:balancer-port` tag
 * names; an instance's address is its `pipewright:app` tag. (AWS's Elastic Load Balancing target
 * groups, which a group's loadBalancerInfo names, do not exist here: these tags stand in for them.)
 */
export function createDeploymentBalancers(options: DeploymentBalancersOptions): DeploymentBalancers {
  const balancers = new Map<string, Promise<LoadBalancer>>();
  const drainMs = options.drainMs ?? 30_000;

  const ready = new Map<string, LoadBalancer>();

  async function balancerFor(target: TrafficTarget): Promise<LoadBalancer> {
    const port = balancerPort(target);
    const key = target.deploymentGroupId;
    const running = await balancers.get(key)?.catch(() => undefined);
    if (running && running.port === port) return running;
    // A changed port tag moves the balancer: the old one stops, its targets carry over.
    const carried = running?.targets().filter((t) => t.state !== "draining") ?? [];
    await running?.close();
    ready.delete(key);
    const started = startLoadBalancer({
      name: balancerName(target),
      host: options.host,
      port,
      logger: options.logger,
    });
    balancers.set(key, started);
    let balancer: LoadBalancer;
    try {
      balancer = await started;
    } catch (err) {
      balancers.delete(key);
      throw new Error(
        `the load balancer of ${target.deploymentGroupName} cannot listen on ${options.host}:${port}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    for (const t of carried) balancer.register({ id: t.id, host: t.host, port: t.port });
    ready.set(key, balancer);
    options.logger.info(
      `load balancer of deployment group ${target.applicationName}/${target.deploymentGroupName} listening on ${options.host}:${balancer.port}`,
    );
    return balancer;
  }

  return {
    async allow(target) {
      const address = appAddress(target);
      (await balancerFor(target)).register(address);
    },
    async block(target) {
      await (await balancerFor(target)).deregister(target.instanceName, { drainMs });
    },
    balancerOf: (id) => ready.get(id),
    async close() {
      const all = [...balancers.values()];
      balancers.clear();
      ready.clear();
      await Promise.all(all.map((b) => b.then((x) => x.close()).catch(() => undefined)));
    },
  };
}

function tag(tags: TrafficTarget["tags"], key: string): string | undefined {
  return tags.find((t) => t.Key === key)?.Value;
}

function balancerName(target: TrafficTarget): string {
  const info = target.loadBalancerInfo as
    { targetGroupInfoList?: Array<{ name?: string }>; elbInfoList?: Array<{ name?: string }> } | undefined;
  return info?.targetGroupInfoList?.[0]?.name ?? info?.elbInfoList?.[0]?.name ?? target.deploymentGroupName;
}

function balancerPort(target: TrafficTarget): number {
  const value = tag(target.groupTags, BALANCER_PORT_TAG);
  const port = value === undefined ? NaN : Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(
      `deployment group ${target.deploymentGroupName} ${value === undefined ? "has no" : `has an invalid (${JSON.stringify(value)})`} ` +
        `${BALANCER_PORT_TAG} tag: tag it with the port its load balancer listens on, e.g. ` +
        `aws deploy tag-resource --resource-arn <group ARN> --tags Key=${BALANCER_PORT_TAG},Value=8080`,
    );
  }
  return port;
}

/**
 * Where the instance's application listens, from its `pipewright:app` tag: an IP address (default
 * 127.0.0.1) and a port. Whoever can tag an instance chooses where the server's balancer connects,
 * so names (which could resolve anywhere) and link-local, multicast and unspecified addresses —
 * a cloud host's metadata service among them — are refused.
 */
function appAddress(target: TrafficTarget): BalancerTarget {
  const value = tag(target.tags, APP_ADDRESS_TAG);
  const match = value === undefined ? null : /^(?:(.+):)?(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  const host = (match?.[1] ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  const refused = match ? refusedAddress(host) : undefined;
  if (!match || port < 1 || port > 65535 || refused !== undefined) {
    throw new Error(
      `instance ${target.instanceName} ${value === undefined ? "has no" : `has an invalid (${JSON.stringify(value)})`} ` +
        `${APP_ADDRESS_TAG} tag${refused ? ` (${refused})` : ""}: tag it with where its application listens, ` +
        `an IP address and port or a port of 127.0.0.1 (pipewright agent --tags ${APP_ADDRESS_TAG}=127.0.0.1:8081)`,
    );
  }
  return { id: target.instanceName, host, port };
}
