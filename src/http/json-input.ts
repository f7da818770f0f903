import type { z } from "zod";
import { ServiceError } from "../core/index.js";
import { formatValidationIssues } from "../services/kit/index.js";

/**
 * Checks a JSON request body against an operation's schema the way AWS's JSON services do:
 * - a member sent as JSON `null` counts as absent (so a required one is reported missing);
 * - a member of the wrong JSON type (a number where a string belongs) is a `SerializationException`,
 *   as AWS's deserialiser reports it, naming the field and the type expected;
 * - anything else that fails (missing, too long, not in the enum) is the service's validation error,
 *   naming each field path.
 */
export function parseJsonInput<T>(schema: z.ZodType<T>, raw: unknown, validationErrorCode: string): T {
  const value = dropNulls(raw);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const wrong = result.error.issues.find(
    (issue) => issue.code === "invalid_type" && valueAt(value, issue.path) !== undefined,
  );
  if (wrong && wrong.code === "invalid_type") {
    const where = wrong.path.map(String).join(".") || "(request body)";
    throw new ServiceError(
      "SerializationException",
      `Value at '${where}' must be ${article(wrong.expected)}, got ${jsonType(valueAt(value, wrong.path))}`,
    );
  }
  throw new ServiceError(validationErrorCode, formatValidationIssues(result.error.issues));
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, dropNulls(v)]),
    );
  }
  return value;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let cur = value;
  for (const key of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a structure";
  return `a ${typeof value}`;
}

function article(expected: string): string {
  switch (expected) {
    case "object":
      return "a structure";
    case "array":
      return "a list";
    case "int":
      return "an integer";
    default:
      return `a ${expected}`;
  }
}
