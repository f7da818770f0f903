export { startLoadBalancer } from "./load-balancer.js";
export type {
  BalancerTarget,
  DrainOptions,
  HealthCheckOptions,
  LoadBalancer,
  LoadBalancerOptions,
  TargetState,
  TargetStatus,
} from "./types.js";
