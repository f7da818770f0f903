// Where in the declaration an error from UpdatePipeline is: the server names the place either by
// path ("Value at 'pipeline.stages.1.actions.0.runOrder'") or by name ('Stage "Build", action "Lint": …').
import { AwsError } from "../../api";
import type { PipelineDeclaration } from "../../services/codepipeline";

export type ActionField = "name" | "type" | "runOrder" | "configuration" | "inputs" | "outputs" | "action";
export type PipelineField = "roleArn" | "artifactStore" | "pipelineType";

export interface Located {
  message: string;
  stage?: number;
  action?: number;
  /** A field of the action (with `action`), or `name` of the stage (without). */
  field?: ActionField;
  pipelineField?: PipelineField;
  /** The place in the JSON, e.g. stages[1].actions[0].runOrder. */
  path?: string;
}

const ACTION_MEMBER: Record<string, ActionField> = {
  name: "name",
  actionTypeId: "type",
  runOrder: "runOrder",
  configuration: "configuration",
  inputArtifacts: "inputs",
  outputArtifacts: "outputs",
};

function jsonPath(parts: string[]): string {
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function fromPath(path: string, message: string): Located {
  const parts = path.split(".");
  if (parts[0] === "pipeline") parts.shift();
  const located: Located = { message, path: jsonPath(parts) };
  if (parts[0] === "stages" && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
    located.stage = Number(parts[1]);
    if (parts[2] === "actions" && parts[3] !== undefined && /^\d+$/.test(parts[3])) {
      located.action = Number(parts[3]);
      located.field = ACTION_MEMBER[parts[4] ?? ""] ?? "action";
    } else if (parts[2] === "name") {
      located.field = "name";
    }
  } else if (parts[0] === "roleArn") located.pipelineField = "roleArn";
  else if (parts[0]?.startsWith("artifactStore")) located.pipelineField = "artifactStore";
  else if (parts[0] === "pipelineType") located.pipelineField = "pipelineType";
  return located;
}

/** The field of an action a message is about, from its words. */
function actionFieldOf(text: string): ActionField {
  if (/run ?order/i.test(text)) return "runOrder";
  if (/input artifact/i.test(text)) return "inputs";
  if (/output artifact/i.test(text)) return "outputs";
  if (/configuration/i.test(text)) return "configuration";
  if (/action type|provider|category/i.test(text)) return "type";
  if (/same name|\bname\b/i.test(text)) return "name";
  return "action";
}

/** The index of the stage (or action) named `name`: the later one when the message is about a duplicate. */
function indexOf(list: { name: string }[], name: string, duplicate: boolean): number | undefined {
  const indexes = list.flatMap((item, i) => (item?.name === name ? [i] : []));
  if (indexes.length === 0) return undefined;
  return duplicate ? indexes[indexes.length - 1] : indexes[0];
}

function fromNames(message: string, declaration: PipelineDeclaration): Located | undefined {
  const m = /^Stage "((?:[^"\\]|\\.)*)"(?:, action "((?:[^"\\]|\\.)*)")?: ([\s\S]*)$/.exec(message);
  if (!m) return undefined;
  const [, stageName, actionName, rest] = m;
  const duplicate = /same name/i.test(rest!);
  const stages = Array.isArray(declaration.stages) ? declaration.stages : [];
  const stage = indexOf(stages, stageName!, duplicate && actionName === undefined);
  if (stage === undefined) return { message };
  if (actionName === undefined) return { message, stage, field: "name", path: `stages[${stage}]` };
  const actions = stages[stage]!.actions;
  const action = indexOf(Array.isArray(actions) ? actions : [], actionName, duplicate);
  if (action === undefined) return { message, stage, field: "name", path: `stages[${stage}]` };
  const field = actionFieldOf(rest!);
  const member = Object.entries(ACTION_MEMBER).find(([, f]) => f === field)?.[0];
  const path = `stages[${stage}].actions[${action}]${member ? `.${member}` : ""}`;
  return { message, stage, action, field, path };
}

/** Every place an error from CreatePipeline/UpdatePipeline names; one without a place for anything else. */
export function locateErrors(error: Error, declaration: PipelineDeclaration): Located[] {
  const message = error.message;
  if (!(error instanceof AwsError)) return [{ message }];
  const quoted = [...message.matchAll(/Value at '([^']+)' failed to satisfy constraint: ([^;]*)/g)];
  if (quoted.length > 0) {
    return quoted.map(([part, path]) => fromPath(path!, quoted.length === 1 ? message : part));
  }
  const named = fromNames(message, declaration);
  if (named) return [named];
  if (/artifact ?stores?/i.test(message))
    return [{ message, pipelineField: "artifactStore", path: "artifactStore" }];
  if (/role ?arn|\brole\b/i.test(message)) return [{ message, pipelineField: "roleArn", path: "roleArn" }];
  if (/pipelineType|type V1/i.test(message))
    return [{ message, pipelineField: "pipelineType", path: "pipelineType" }];
  return [{ message }];
}

/** A JSON syntax error's position as line and column, from the engine's "at position N". */
export function jsonSyntaxError(text: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(raw);
  const detail = raw.replace(/\s*in JSON at position \d+.*$/s, "").replace(/\s*\(line \d+ column \d+\)/, "");
  if (!position) return `The JSON is not valid: ${raw}`;
  const before = text.slice(0, Number(position[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `The JSON is not valid at line ${line}, column ${column}: ${detail}`;
}
