import type { z } from "zod";
import { codedeployError } from "../errors.js";
import type { StoredConfigBody } from "./rows.js";
import type { MinimumHealthyHostsShape, TrafficRoutingConfigShape, ZonalConfigShape } from "./shapes.js";

type MinimumHealthyHosts = z.output<typeof MinimumHealthyHostsShape>;

/**
 * What CreateDeploymentConfig stores, checked as AWS checks it. A Server configuration needs
 * `minimumHealthyHosts`: HOST_COUNT of 0 or more, or FLEET_PERCENT from 0 to 99 (100 would let no
 * instance be taken offline). Traffic routing is Lambda's and ECS's; a zonal configuration is
 * Server's.
 */
export function checkConfigBody(input: {
  computePlatform: string;
  minimumHealthyHosts?: MinimumHealthyHosts | undefined;
  trafficRoutingConfig?: z.output<typeof TrafficRoutingConfigShape> | undefined;
  zonalConfig?: z.output<typeof ZonalConfigShape> | undefined;
}): StoredConfigBody {
  if (input.computePlatform === "Server") {
    if (input.trafficRoutingConfig !== undefined) {
      throw codedeployError(
        "InvalidTrafficRoutingConfigurationException",
        "trafficRoutingConfig is for Lambda and ECS configurations; a Server configuration sets minimumHealthyHosts.",
      );
    }
    const minimum = checkMinimumHealthyHosts(input.minimumHealthyHosts, "minimumHealthyHosts");
    if (input.zonalConfig?.minimumHealthyHostsPerZone) {
      checkMinimumHealthyHosts(
        input.zonalConfig.minimumHealthyHostsPerZone,
        "zonalConfig.minimumHealthyHostsPerZone",
      );
    }
    for (const field of ["firstZoneMonitorDurationInSeconds", "monitorDurationInSeconds"] as const) {
      const seconds = input.zonalConfig?.[field];
      if (seconds !== undefined && seconds < 0) {
        throw codedeployError(
          "InvalidZonalDeploymentConfigurationException",
          `zonalConfig.${field} must be 0 or more seconds, not ${seconds}.`,
        );
      }
    }
    return { minimumHealthyHosts: minimum, ...(input.zonalConfig ? { zonalConfig: input.zonalConfig } : {}) };
  }
  if (input.minimumHealthyHosts !== undefined) {
    throw codedeployError(
      "InvalidMinimumHealthyHostValueException",
      `minimumHealthyHosts is for Server configurations; a ${input.computePlatform} configuration sets trafficRoutingConfig.`,
    );
  }
  if (input.zonalConfig !== undefined) {
    throw codedeployError(
      "InvalidZonalDeploymentConfigurationException",
      "zonalConfig is for Server configurations.",
    );
  }
  const routing = input.trafficRoutingConfig ?? { type: "AllAtOnce" as const };
  checkTrafficRouting(routing);
  return { trafficRoutingConfig: routing };
}

/** HOST_COUNT of 0 or more, or FLEET_PERCENT from 0 to 99 (InvalidMinimumHealthyHostValueException). */
export function checkMinimumHealthyHosts(
  value: MinimumHealthyHosts | undefined,
  field: string,
): { type: "HOST_COUNT" | "FLEET_PERCENT"; value: number } {
  const invalid = (message: string) => codedeployError("InvalidMinimumHealthyHostValueException", message);
  if (!value?.type || value.value === undefined) {
    throw invalid(`${field} needs a type (HOST_COUNT or FLEET_PERCENT) and a value.`);
  }
  if (value.value < 0) throw invalid(`${field}.value must be 0 or more, not ${value.value}.`);
  if (value.type === "FLEET_PERCENT" && value.value > 99) {
    throw invalid(`${field}.value of a FLEET_PERCENT must be from 0 to 99, not ${value.value}.`);
  }
  return { type: value.type, value: value.value };
}

function checkTrafficRouting(routing: z.output<typeof TrafficRoutingConfigShape>): void {
  const invalid = (message: string) =>
    codedeployError("InvalidTrafficRoutingConfigurationException", message);
  switch (routing.type) {
    case undefined:
      throw invalid("trafficRoutingConfig.type is required: TimeBasedCanary, TimeBasedLinear or AllAtOnce.");
    case "AllAtOnce":
      return;
    case "TimeBasedCanary": {
      const c = routing.timeBasedCanary;
      if (!c || c.canaryPercentage === undefined || c.canaryInterval === undefined) {
        throw invalid(
          "a TimeBasedCanary configuration needs timeBasedCanary.canaryPercentage and canaryInterval.",
        );
      }
      if (c.canaryPercentage < 1 || c.canaryPercentage > 99)
        throw invalid("timeBasedCanary.canaryPercentage must be from 1 to 99.");
      if (c.canaryInterval < 1) throw invalid("timeBasedCanary.canaryInterval must be 1 minute or more.");
      return;
    }
    case "TimeBasedLinear": {
      const l = routing.timeBasedLinear;
      if (!l || l.linearPercentage === undefined || l.linearInterval === undefined) {
        throw invalid(
          "a TimeBasedLinear configuration needs timeBasedLinear.linearPercentage and linearInterval.",
        );
      }
      if (l.linearPercentage < 1 || l.linearPercentage > 99)
        throw invalid("timeBasedLinear.linearPercentage must be from 1 to 99.");
      if (l.linearInterval < 1) throw invalid("timeBasedLinear.linearInterval must be 1 minute or more.");
      return;
    }
  }
}
