// The pipeline editor's form state: the declaration GetPipeline returned, with the parts the form
// edits taken out as fields. Whatever the form does not edit is kept as it was and sent back.
import type { ActionDeclaration, PipelineDeclaration, StageDeclaration } from "../../services/codepipeline";

export interface FormAction {
  key: number;
  /** The declaration as read: members the form does not show (namespace, region…) are kept. */
  original: ActionDeclaration;
  name: string;
  category: string;
  owner: string;
  provider: string;
  version: string;
  runOrder: string;
  configuration: { key: string; value: string }[];
  /** Artifact names, comma-separated. */
  inputs: string;
  outputs: string;
}

export interface FormStage {
  key: number;
  original: StageDeclaration;
  name: string;
  actions: FormAction[];
}

export interface FormPipeline {
  original: PipelineDeclaration;
  roleArn: string;
  bucket: string;
  pipelineType: string;
  stages: FormStage[];
}

let nextKey = 1;
/** A key for a new stage or action, so React keeps each one's inputs while they move. */
export function newKey(): number {
  return nextKey++;
}

function names(list: { name: string }[] | undefined): string {
  return (list ?? []).map((a) => a.name).join(", ");
}

function actionOf(a: ActionDeclaration): FormAction {
  const type: Partial<ActionDeclaration["actionTypeId"]> = a.actionTypeId ?? {};
  return {
    key: newKey(),
    original: a,
    name: a.name ?? "",
    category: type.category ?? "",
    owner: type.owner ?? "",
    provider: type.provider ?? "",
    version: type.version ?? "",
    runOrder: a.runOrder === undefined ? "" : String(a.runOrder),
    configuration: Object.entries(a.configuration ?? {}).map(([key, value]) => ({
      key,
      value: String(value),
    })),
    inputs: names(a.inputArtifacts),
    outputs: names(a.outputArtifacts),
  };
}

export function formOf(p: PipelineDeclaration): FormPipeline {
  return {
    original: p,
    roleArn: p.roleArn ?? "",
    bucket: p.artifactStore?.location ?? "",
    pipelineType: p.pipelineType ?? "V1",
    // JSON typed by hand may lack what GetPipeline always has: the form shows what there is.
    stages: (p.stages ?? []).map((s) => ({
      key: newKey(),
      original: s,
      name: s.name ?? "",
      actions: (s.actions ?? []).map(actionOf),
    })),
  };
}

export function newAction(stageIndex: number): FormAction {
  return {
    key: newKey(),
    original: { name: "", actionTypeId: { category: "", owner: "", provider: "", version: "" } },
    name: "",
    category: stageIndex === 0 ? "Source" : "Build",
    owner: "AWS",
    provider: stageIndex === 0 ? "CodeCommit" : "CodeBuild",
    version: "1",
    runOrder: "1",
    configuration: [],
    inputs: "",
    outputs: "",
  };
}

export function newStage(stageIndex: number): FormStage {
  return { key: newKey(), original: { name: "", actions: [] }, name: "", actions: [newAction(stageIndex)] };
}

/** Artifact names typed comma-separated; an output keeps what it had (its `files`) when its name stays. */
function artifacts<T extends { name: string }>(text: string, before: T[] | undefined): T[] {
  return text
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "")
    .map((name) => before?.find((a) => a.name === name) ?? ({ name } as T));
}

/** A number typed in a field; anything else goes to the server as typed, for its message. */
function number(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : (trimmed as unknown as number);
}

function declarationOfAction(a: FormAction): ActionDeclaration {
  const { runOrder: _runOrder, configuration: _configuration, ...rest } = a.original;
  const runOrder = number(a.runOrder);
  const inputArtifacts = artifacts(a.inputs, a.original.inputArtifacts);
  const outputArtifacts = artifacts(a.outputs, a.original.outputArtifacts);
  return {
    ...rest,
    name: a.name,
    actionTypeId: { category: a.category, owner: a.owner, provider: a.provider, version: a.version },
    ...(runOrder !== undefined && { runOrder }),
    ...(a.configuration.length > 0 && {
      configuration: Object.fromEntries(a.configuration.map((c) => [c.key, c.value])),
    }),
    inputArtifacts,
    outputArtifacts,
  };
}

/** The whole declaration UpdatePipeline takes. */
export function declarationOf(form: FormPipeline): PipelineDeclaration {
  const p = form.original;
  return {
    ...p,
    ...(form.roleArn !== "" || p.roleArn !== undefined ? { roleArn: form.roleArn } : {}),
    ...(p.artifactStore || form.bucket !== ""
      ? { artifactStore: { ...p.artifactStore, type: p.artifactStore?.type ?? "S3", location: form.bucket } }
      : {}),
    pipelineType: form.pipelineType,
    stages: form.stages.map((s) => ({
      ...s.original,
      name: s.name,
      actions: s.actions.map(declarationOfAction),
    })),
  };
}
