import { z } from "zod";
import { awsEnum } from "../../kit/index.js";

// Deployment configuration shapes (botocore `codedeploy` 2014-10-06). Ranges are checked in
// checks.ts with InvalidMinimumHealthyHostValueException, as AWS does, not by the schema.

export const MinimumHealthyHostsShape = z.object({
  type: awsEnum(["HOST_COUNT", "FLEET_PERCENT"]).optional(),
  value: z.number().int().optional(),
});

export const TrafficRoutingConfigShape = z.object({
  type: awsEnum(["TimeBasedCanary", "TimeBasedLinear", "AllAtOnce"]).optional(),
  timeBasedCanary: z
    .object({ canaryPercentage: z.number().int().optional(), canaryInterval: z.number().int().optional() })
    .optional(),
  timeBasedLinear: z
    .object({ linearPercentage: z.number().int().optional(), linearInterval: z.number().int().optional() })
    .optional(),
});

export const ZonalConfigShape = z.object({
  firstZoneMonitorDurationInSeconds: z.number().int().optional(),
  monitorDurationInSeconds: z.number().int().optional(),
  minimumHealthyHostsPerZone: z
    .object({ type: awsEnum(["HOST_COUNT", "FLEET_PERCENT"]).optional(), value: z.number().int().optional() })
    .optional(),
});
