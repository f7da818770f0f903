import { CronError, isOpen, localTimeIn, nextOpening, parseCron } from "./cron.js";
import type { RuleOutcome } from "./types.js";

/**
 * DeploymentWindow: passes while the current minute matches `Cron` in `TimeZone` (default UTC).
 * While the window is closed the rule stays in progress until the minute it opens, when the engine
 * checks it again (a queued timer, so a restart does not lose it).
 */
export function checkDeploymentWindow(
  config: Readonly<Record<string, string>>,
  where: string,
  now: number,
): RuleOutcome {
  const expression = config["Cron"];
  if (expression === undefined)
    return {
      status: "Errored",
      code: "ConfigurationError",
      message: `${where}: configuration Cron is required.`,
    };
  const timeZone = config["TimeZone"] ?? "UTC";
  try {
    const cron = parseCron(expression);
    const local = localTimeIn(timeZone);
    if (isOpen(cron, local, now))
      return { status: "Succeeded", summary: `The deployment window "${expression}" (${timeZone}) is open.` };
    const opens = nextOpening(cron, local, now);
    if (opens === undefined) {
      return {
        status: "Failed",
        code: "RuleCheckFailed",
        message: `${where}: the deployment window "${expression}" (${timeZone}) does not open in the next five years.`,
      };
    }
    return {
      status: "InProgress",
      summary: `The deployment window "${expression}" (${timeZone}) is closed; it opens at ${new Date(opens).toISOString()}.`,
      recheckAt: opens,
    };
  } catch (e) {
    if (!(e instanceof CronError)) throw e;
    return {
      status: "Errored",
      code: "ConfigurationError",
      message: `${where}: configuration Cron or TimeZone: ${e.message}`,
    };
  }
}
