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

/**
 * The deepest nesting of objects and arrays a request body may have. AWS's inputs nest a dozen
 * levels at most (a pipeline declaration); a body nested 100,000 levels deep is an attack on the
 * parser (and on every recursive walk after it), refused before parsing.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Refuses a body whose `[`/`{` nesting exceeds `max`, in one pass over the bytes (strings skipped):
 * JSON.parse takes seconds over 16 MiB of `[`, and recursive code after it would overflow.
 * @throws ServiceError SerializationException naming the limit.
 */
export function checkJsonDepth(body: Buffer, max: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        throw new ServiceError(
          "SerializationException",
          `Request body is nested more than ${max} levels deep (at byte ${i}); AWS inputs nest far less`,
        );
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}
