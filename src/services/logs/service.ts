import { jsonService, type ServiceModule } from "../kit/index.js";
import { describeLogGroups, describeLogStreams } from "./describe.js";
import { filterLogEvents } from "./filter-log-events.js";
import { getLogEvents } from "./get-log-events.js";

/**
 * CloudWatch Logs over the AWS JSON 1.1 protocol (`X-Amz-Target: Logs_20140328.<Operation>`): the
 * reading side, for build logs that CodeBuild writes through `appendLogEvents`.
 */
export function createLogs(): ServiceModule {
  const json = jsonService({
    targetPrefix: "Logs_20140328",
    signingName: "logs",
    actionPrefix: "logs",
    validationErrorCode: "InvalidParameterException",
    operations: [getLogEvents(), filterLogEvents(), describeLogStreams(), describeLogGroups()],
  });
  return { name: "logs", json };
}
