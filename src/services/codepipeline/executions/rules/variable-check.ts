import { safeMatch } from "./safe-match.js";
import type { RuleOutcome } from "./types.js";

/** VariableCheck's operators, as the rule reference names them. */
const OPERATORS = ["EQ", "NE", "CONTAINS", "MATCHES"] as const;

/**
 * VariableCheck: compares a variable (its `#{…}` references already resolved) with a value. EQ
 * and NE compare whole strings, CONTAINS looks for the value as a substring, MATCHES matches the
 * value as a regular expression against the whole variable.
 */
export function checkVariable(config: Readonly<Record<string, string>>, where: string): RuleOutcome {
  const { Variable: variable, Value: value, Operator: operator } = config;
  for (const [key, v] of Object.entries({ Variable: variable, Value: value, Operator: operator })) {
    if (v === undefined)
      return errored(`${where}: configuration ${key} is required (Variable, Value and Operator).`);
  }
  const op = operator!.toUpperCase();
  const shown = `${quoted(variable!)} ${op} ${quoted(value!)}`;
  let met: boolean;
  switch (op) {
    case "EQ":
      met = variable === value;
      break;
    case "NE":
      met = variable !== value;
      break;
    case "CONTAINS":
      met = variable!.includes(value!);
      break;
    case "MATCHES": {
      const result = safeMatch(value!, variable!);
      if (result.kind === "invalid") return errored(`${where}: configuration Value: ${result.message}`);
      met = result.kind === "matched";
      break;
    }
    default:
      return errored(
        `${where}: configuration Operator is ${JSON.stringify(operator)}; use one of ${OPERATORS.join(", ")}.`,
      );
  }
  return met
    ? { status: "Succeeded", summary: `${shown} is true.` }
    : { status: "Failed", code: "RuleCheckFailed", message: `${where}: ${shown} is false.` };
}

function errored(message: string): RuleOutcome {
  return { status: "Errored", code: "ConfigurationError", message };
}

/** A value for a message: quoted, and cut short past 200 characters. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
}
