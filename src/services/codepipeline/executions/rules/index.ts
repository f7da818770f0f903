import { RULE_TYPES } from "./catalogue.js";
import { checkDeploymentWindow } from "./deployment-window.js";
import type { RuleDeclarationDoc, RuleOutcome } from "./types.js";
import { checkVariable } from "./variable-check.js";

export { ruleTypeShapes } from "./catalogue.js";
export { safeMatch } from "./safe-match.js";
export type { RuleDeclarationDoc, RuleOutcome } from "./types.js";

/**
 * Evaluates a rule once, its configuration's variable references already resolved. `where` names
 * the stage, condition and rule for messages.
 */
export function evaluateRule(
  rule: RuleDeclarationDoc,
  resolved: Readonly<Record<string, string>>,
  where: string,
  now: number,
): RuleOutcome {
  const provider = rule.ruleTypeId.provider;
  switch (provider) {
    case "VariableCheck":
      return checkVariable(resolved, where);
    case "DeploymentWindow":
      return checkDeploymentWindow(resolved, where, now);
    default: {
      const why = RULE_TYPES.find((t) => t.provider === provider)?.unavailable ?? "it is not a rule provider";
      return {
        status: "Errored",
        code: "RuleNotAvailable",
        message: `${where}: rule provider ${provider} cannot be evaluated here: ${why}.`,
      };
    }
  }
}
