/**
 * Development guard: checks responses against AWS's own models (botocore's `service-2.json`), so a
 * response carries exactly what AWS's output shape has — no internal field of a stored record, no
 * key AWS does not define, enums within their values, types as the SDKs parse them. Off unless
 * PIPEWRIGHT_RESPONSE_SHAPES names a botocore data directory; the test suite turns it on, so
 * every response any test provokes is checked.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

interface ShapeRef {
  shape: string;
}

interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
}

interface Model {
  operations: Record<string, { output?: ShapeRef }>;
  shapes: Record<string, Shape>;
}

/** How a protocol renders timestamps: JSON as epoch seconds, Query's result objects as Dates or strings. */
export type ShapeProtocol = "json" | "query";

/** Checks responses of the services whose models it finds. */
export interface ResponseShapes {
  /** Notes the operations a server serves (for the coverage log). */
  served(signingName: string, operations: Iterable<string>): void;
  /**
   * What is wrong with `output` as the response of `operation` of the service signed as
   * `signingName`; empty when it matches (or the model is not there).
   */
  check(signingName: string, operation: string, output: unknown, protocol: ShapeProtocol): string[];
}

/** Directory names of botocore's models, where they differ from the signing name. */
const MODEL_NAMES: Record<string, string> = {};

/**
 * Loads models lazily from `dataDir`. With PIPEWRIGHT_RESPONSE_SHAPES_LOG set to a file, also
 * appends `<signingName>.<operation>` for every response checked (the suite's coverage check).
 */
export function createResponseShapes(
  dataDir: string,
  logFile = process.env.PIPEWRIGHT_RESPONSE_SHAPES_LOG,
): ResponseShapes {
  const models = new Map<string, Model | undefined>();
  const model = (signingName: string): Model | undefined => {
    if (!models.has(signingName))
      models.set(signingName, loadModel(dataDir, MODEL_NAMES[signingName] ?? signingName));
    return models.get(signingName);
  };
  return {
    served(signingName, operations) {
      // Only what a model can check counts (the agents' command service has none in botocore).
      if (!logFile || !existsSync(path.join(dataDir, MODEL_NAMES[signingName] ?? signingName))) return;
      appendFileSync(logFile, [...operations].map((op) => `served ${signingName}.${op}\n`).join(""));
    },
    check(signingName, operation, output, protocol) {
      const m = model(signingName);
      const op = m?.operations[operation];
      if (!m || !op)
        return m ? [`${operation} is not an operation of ${signingName} in botocore's model`] : [];
      if (logFile) appendFileSync(logFile, `${signingName}.${operation}\n`);
      const problems: string[] = [];
      if (!op.output) {
        // Query answers such an operation with the response metadata alone: no Result element.
        if (protocol === "query" && output !== undefined) {
          problems.push(`${operation} has no output on AWS: answer with the response metadata alone`);
        } else if (output !== undefined && output !== null && Object.keys(output).length > 0) {
          problems.push(
            `${operation} has no output on AWS, but the response has ${Object.keys(output).join(", ")}`,
          );
        }
        return problems;
      }
      // An empty answer is AWS's "200 OK without content" (DeletePullRequestApprovalRule of a rule
      // already gone): its required members do not apply.
      const empty = output === undefined || output === null || Object.keys(output).length === 0;
      if (!empty) checkValue(m.shapes, op.output.shape, output, operation, protocol, problems);
      return problems;
    },
  };
}

function loadModel(dataDir: string, name: string): Model | undefined {
  const dir = path.join(dataDir, name);
  if (!existsSync(dir)) return undefined;
  // The newest API version (directories are dates).
  const version = readdirSync(dir).sort().at(-1);
  if (!version) return undefined;
  for (const file of ["service-2.json.gz", "service-2.json"]) {
    const full = path.join(dir, version, file);
    if (!existsSync(full)) continue;
    const bytes = readFileSync(full);
    return JSON.parse((file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8")) as Model;
  }
  return undefined;
}

function checkValue(
  shapes: Record<string, Shape>,
  shapeName: string,
  value: unknown,
  where: string,
  protocol: ShapeProtocol,
  problems: string[],
): void {
  if (problems.length >= 20) return;
  const shape = shapes[shapeName];
  if (!shape) return;
  const wrong = (expected: string) =>
    problems.push(
      `${where}: expected ${expected} (${shapeName}), got ${JSON.stringify(value)?.slice(0, 80)}`,
    );
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || value === null || Array.isArray(value))
        return void wrong("a structure");
      const members = shape.members ?? {};
      for (const [key, member] of Object.entries(value)) {
        if (member === undefined) continue;
        const ref = members[key];
        if (!ref) problems.push(`${where}.${key}: not a member of ${shapeName}`);
        else checkValue(shapes, ref.shape, member, `${where}.${key}`, protocol, problems);
      }
      for (const key of shape.required ?? []) {
        if ((value as Record<string, unknown>)[key] === undefined)
          problems.push(`${where}.${key}: required by ${shapeName}, missing`);
      }
      return;
    }
    case "list":
      if (!Array.isArray(value)) return void wrong("a list");
      value.forEach((item, i) =>
        checkValue(shapes, shape.member!.shape, item, `${where}[${i}]`, protocol, problems),
      );
      return;
    case "map":
      if (typeof value !== "object" || value === null || Array.isArray(value)) return void wrong("a map");
      for (const [key, item] of Object.entries(value)) {
        checkValue(shapes, shape.value!.shape, item, `${where}.${key}`, protocol, problems);
      }
      return;
    case "string":
      if (typeof value !== "string") return void wrong("a string");
      if (shape.enum && !shape.enum.includes(value)) wrong(`one of ${shape.enum.join(", ")}`);
      return;
    case "integer":
    case "long":
      if (!Number.isInteger(protocol === "query" && typeof value === "string" ? Number(value) : value))
        wrong("an integer");
      return;
    case "float":
    case "double":
      if (typeof (protocol === "query" && typeof value === "string" ? Number(value) : value) !== "number")
        wrong("a number");
      return;
    case "boolean":
      if (typeof value !== "boolean" && !(protocol === "query" && (value === "true" || value === "false")))
        wrong("a boolean");
      return;
    case "timestamp":
      if (
        protocol === "json"
          ? typeof value !== "number"
          : !(value instanceof Date || typeof value === "string")
      ) {
        wrong(protocol === "json" ? "epoch seconds" : "a time");
      }
      return;
    case "blob":
      if (typeof value !== "string") wrong("base64 text");
      return;
  }
}
