import type { ServiceError } from "../../../core/index.js";
import {
  actionTypeName,
  type ActionTypeDefinition,
  type ActionTypeKey,
  type ConfigurationView,
} from "../action-types/catalogue.js";
import { codepipelineError } from "../errors.js";
import { checkComputeFields } from "./compute-checks.js";
import type { ActionInput, PipelineDeclarationInput } from "./shapes.js";
import { actionError, nameList, stageError, structureError } from "./structure-errors.js";
import { checkStageConditions } from "./structure-conditions.js";
import { checkTriggers } from "./structure-triggers.js";
import { PIPELINE_EXECUTION_VARIABLES, hasReference, scanReferences } from "./variables.js";

// The rules of a pipeline's structure, as AWS's pipeline structure reference and quotas state
// them, checked after the wire shape (shapes.ts). Every message names the stage and the action it
// is about and says what would be right.
//
// What is NOT checked here, as on AWS: whether a CodeCommit repository, CodeBuild project, S3
// deploy bucket or CodeDeploy group named in an action's configuration exists — a missing one
// fails that action when it runs. The artifact store's bucket is checked (checks.ts), as AWS does.

/** AWS's quotas for a pipeline's shape. */
export const STRUCTURE_LIMITS = {
  minStages: 2,
  maxStages: 50,
  maxActionsPerStage: 50,
} as const;

/** What the checks need besides the declaration. */
export interface StructureContext {
  /** The pipeline's region (the request's). */
  region: string;
  /** The action types the declaration names that exist, by `actionTypeName`. */
  actionTypes: ReadonlyMap<string, ActionTypeDefinition>;
  /** Every action type there is, for messages naming what exists. */
  known: readonly ActionTypeDefinition[];
  /**
   * The pipeline as it is, when updating: a declaration that leaves out pipelineType or
   * executionMode keeps them (so an older client that does not know them changes nothing).
   */
  current?: { pipelineType: string; executionMode: string };
}

/** A declaration that passed, with AWS's defaults filled in. */
export interface CheckedPipeline {
  declaration: StoredDeclaration;
  pipelineType: "V1" | "V2";
  executionMode: "QUEUED" | "SUPERSEDED" | "PARALLEL";
  /** Every artifact bucket named, with the region it serves. */
  artifactBuckets: Array<{ region: string; bucket: string }>;
}

/** The declaration as stored and returned: the input with runOrder, type and mode filled in. */
export type StoredDeclaration = Omit<PipelineDeclarationInput, "version"> & {
  version?: number;
  pipelineType: "V1" | "V2";
  executionMode: "QUEUED" | "SUPERSEDED" | "PARALLEL";
};

/** Where an action is, for messages and for ordering. */
interface ActionPlace {
  stageIndex: number;
  stage: string;
  action: string;
  runOrder: number;
}

/** Whether `a` runs before `b` (an earlier stage, or a lower runOrder in the same stage). */
function runsBefore(a: ActionPlace, b: ActionPlace): boolean {
  return a.stageIndex < b.stageIndex || (a.stageIndex === b.stageIndex && a.runOrder < b.runOrder);
}

/** What is V2-only in a declaration, by name, for the V1 check and for inferring the type. */
function v2Features(p: PipelineDeclarationInput, ctx: StructureContext): string[] {
  const found: string[] = [];
  if (p.variables?.length) found.push("variables");
  if (p.triggers?.length) found.push("triggers");
  if (p.executionMode === "QUEUED" || p.executionMode === "PARALLEL")
    found.push(`executionMode ${p.executionMode}`);
  for (const stage of p.stages) {
    for (const field of ["onFailure", "onSuccess", "beforeEntry"] as const) {
      if (stage[field] !== undefined) found.push(`stage "${stage.name}" ${field}`);
    }
    for (const action of stage.actions) {
      if (ctx.actionTypes.get(actionTypeName(action.actionTypeId))?.v2Only)
        found.push(`stage "${stage.name}" action "${action.name}" (${action.actionTypeId.provider})`);
    }
  }
  return found;
}

/**
 * Checks a declaration against AWS's structure rules and fills in its defaults. Throws the
 * exception AWS answers with: InvalidStructureException (the pipeline as a whole),
 * InvalidStageDeclarationException, InvalidActionDeclarationException,
 * InvalidBlockerDeclarationException or ValidationException (V2 features on a V1 pipeline).
 */
export function checkPipelineStructure(p: PipelineDeclarationInput, ctx: StructureContext): CheckedPipeline {
  const artifactBuckets = checkArtifactStores(p, ctx);
  if (p.stages.length < STRUCTURE_LIMITS.minStages) {
    throw structureError(
      `A pipeline needs at least ${STRUCTURE_LIMITS.minStages} stages (a first stage of source actions and at least one more); this one has ${p.stages.length}.`,
    );
  }
  if (p.stages.length > STRUCTURE_LIMITS.maxStages) {
    throw structureError(
      `A pipeline can have at most ${STRUCTURE_LIMITS.maxStages} stages; this one has ${p.stages.length}.`,
    );
  }
  const pipelineType = resolvePipelineType(p, ctx);
  const inherited =
    pipelineType === "V2" && ctx.current?.pipelineType === "V2" ? ctx.current.executionMode : undefined;
  const executionMode =
    p.executionMode ?? (inherited as CheckedPipeline["executionMode"] | undefined) ?? "SUPERSEDED";

  checkStageNames(p);
  const places = checkStagesAndActions(p, ctx, pipelineType);
  checkArtifactFlow(p, places);
  const declaredVariables = checkPipelineVariables(p);
  checkNamespacesAndReferences(p, places, declaredVariables, pipelineType);
  checkTriggers(p, ctx);
  for (const [index, stage] of p.stages.entries()) checkStageConditions(stage, index);

  const declaration: StoredDeclaration = {
    ...p,
    stages: p.stages.map((stage) => ({
      ...stage,
      actions: stage.actions.map((action) => ({
        ...action,
        runOrder: action.runOrder ?? 1,
        inputArtifacts: action.inputArtifacts ?? [],
        outputArtifacts: action.outputArtifacts ?? [],
      })),
    })),
    pipelineType,
    executionMode,
  };
  return { declaration, pipelineType, executionMode, artifactBuckets };
}

/** `artifactStore` or `artifactStores`, exactly one; the second covers every action's region. */
function checkArtifactStores(p: PipelineDeclarationInput, ctx: StructureContext) {
  if (p.artifactStore && p.artifactStores) {
    throw structureError(
      "The pipeline declares both artifactStore and artifactStores: use artifactStore for a pipeline whose actions all run in its own region, or artifactStores (one bucket per region) for cross-region actions, not both.",
    );
  }
  if (!p.artifactStore && !p.artifactStores) {
    throw structureError(
      'The pipeline has no artifact store: add artifactStore {"type": "S3", "location": "<bucket>"} naming an S3 bucket that holds the pipeline\'s artifacts.',
    );
  }
  if (p.artifactStore) {
    for (const stage of p.stages) {
      for (const action of stage.actions) {
        if (action.region !== undefined && action.region !== ctx.region) {
          throw actionError(
            { stage: stage.name, action: action.name },
            `it runs in region ${action.region}, and a pipeline with cross-region actions declares artifactStores (one bucket per region, ${ctx.region} included) instead of artifactStore.`,
          );
        }
      }
    }
    return [{ region: ctx.region, bucket: p.artifactStore.location }];
  }
  const stores = p.artifactStores!;
  const regions = Object.keys(stores);
  if (!regions.includes(ctx.region)) {
    throw structureError(
      `artifactStores has no bucket for the pipeline's own region ${ctx.region} (it names ${nameList(regions)}); add one.`,
    );
  }
  for (const region of regions) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
      throw structureError(
        `artifactStores key ${JSON.stringify(region)} is not a region name such as us-east-1.`,
      );
    }
  }
  for (const stage of p.stages) {
    for (const action of stage.actions) {
      if (action.region !== undefined && !regions.includes(action.region)) {
        throw actionError(
          { stage: stage.name, action: action.name },
          `it runs in region ${action.region}, for which artifactStores has no bucket (it has ${nameList(regions)}).`,
        );
      }
    }
  }
  return regions.map((region) => ({ region, bucket: stores[region]!.location }));
}

/**
 * The pipeline's type: as declared, or — undeclared — V2 if the declaration uses V2 features
 * (AWS's API reference: including them makes the pipeline V2), else the current type when
 * updating, else V1. A declared V1 pipeline with V2 features is refused.
 */
function resolvePipelineType(p: PipelineDeclarationInput, ctx: StructureContext): "V1" | "V2" {
  const features = v2Features(p, ctx);
  if (p.pipelineType === "V1" && features.length > 0) {
    throw codepipelineError(
      "ValidationException",
      `The pipeline is of type V1, which does not support ${nameList(features, 5)}: set pipelineType to V2 or remove ${features.length === 1 ? "it" : "them"}.`,
    );
  }
  const current = ctx.current?.pipelineType === "V2" ? "V2" : "V1";
  return p.pipelineType ?? (features.length > 0 ? "V2" : current);
}

function checkStageNames(p: PipelineDeclarationInput): void {
  const seen = new Set<string>();
  for (const stage of p.stages) {
    if (seen.has(stage.name)) {
      throw stageError(
        stage.name,
        "another stage has the same name; stage names must be unique in a pipeline.",
      );
    }
    seen.add(stage.name);
  }
}

/** Each stage's actions and each action on its own; returns where every action is. */
function checkStagesAndActions(
  p: PipelineDeclarationInput,
  ctx: StructureContext,
  pipelineType: "V1" | "V2",
): ActionPlace[] {
  const places: ActionPlace[] = [];
  for (const [stageIndex, stage] of p.stages.entries()) {
    if (stage.actions.length === 0)
      throw stageError(stage.name, "it has no actions; a stage needs at least one.");
    if (stage.actions.length > STRUCTURE_LIMITS.maxActionsPerStage) {
      throw stageError(
        stage.name,
        `it has ${stage.actions.length} actions; a stage can have at most ${STRUCTURE_LIMITS.maxActionsPerStage}.`,
      );
    }
    if (stage.blockers?.length) {
      throw codepipelineError(
        "InvalidBlockerDeclarationException",
        `Stage "${stage.name}": blockers are reserved by AWS for future use and cannot be declared; remove blocker "${stage.blockers[0]!.name}".`,
      );
    }
    const names = new Set<string>();
    for (const action of stage.actions) {
      const place = { stageIndex, stage: stage.name, action: action.name, runOrder: action.runOrder ?? 1 };
      if (names.has(action.name)) {
        throw actionError(
          place,
          "another action of this stage has the same name; action names must be unique within a stage.",
        );
      }
      names.add(action.name);
      const isSource = action.actionTypeId.category === "Source";
      if (stageIndex === 0 && !isSource) {
        throw actionError(
          place,
          `it is a ${action.actionTypeId.category} action, but the first stage can hold only Source actions; move it to a later stage.`,
        );
      }
      if (stageIndex > 0 && isSource) {
        throw actionError(
          place,
          `it is a Source action, and only the first stage ("${p.stages[0]!.name}") can hold Source actions.`,
        );
      }
      checkAction(action, place, ctx, pipelineType);
      places.push(place);
    }
  }
  return places;
}

/** The providers that exist for `category`, as `Owner/Provider` names. */
function providersOf(ctx: StructureContext, category: string): string[] {
  return ctx.known.filter((t) => t.id.category === category).map((t) => `${t.id.owner}/${t.id.provider}`);
}

/** The action type an action names, or the error saying what exists instead. */
function requireActionType(
  id: ActionTypeKey,
  place: ActionPlace,
  ctx: StructureContext,
): ActionTypeDefinition {
  const found = ctx.actionTypes.get(actionTypeName(id));
  if (found) return found;
  const sameProvider = ctx.known.filter((t) => t.id.owner === id.owner && t.id.provider === id.provider);
  const named = `${actionTypeName(id)}`;
  if (sameProvider.length > 0 && !sameProvider.some((t) => t.id.category === id.category)) {
    throw actionError(
      place,
      `action type ${named} does not exist: provider ${id.owner}/${id.provider} is a ${nameList([
        ...new Set(sameProvider.map((t) => t.id.category)),
      ])} provider, not ${id.category}. ${id.category} providers: ${nameList(providersOf(ctx, id.category))}.`,
    );
  }
  if (sameProvider.some((t) => t.id.category === id.category)) {
    const versions = sameProvider.filter((t) => t.id.category === id.category).map((t) => t.id.version);
    throw actionError(
      place,
      `action type ${named} does not exist: version ${JSON.stringify(id.version)} of ${id.category}/${id.owner}/${id.provider} is unknown; use version ${nameList(versions)}.`,
    );
  }
  throw actionError(
    place,
    `action type ${named} does not exist: there is no ${id.category} provider ${id.owner}/${id.provider}. ${id.category} providers: ${nameList(providersOf(ctx, id.category))}.`,
  );
}

function checkAction(
  action: ActionInput,
  place: ActionPlace,
  ctx: StructureContext,
  pipelineType: "V1" | "V2",
): void {
  const type = requireActionType(action.actionTypeId, place, ctx);
  const provider = `${action.actionTypeId.category}/${action.actionTypeId.provider}`;
  if (type.v2Only && pipelineType !== "V2") {
    throw actionError(
      place,
      `${provider} actions are only available in V2 pipelines; set pipelineType to V2.`,
    );
  }
  // Fields only some action types take.
  if (!type.fields.compute) {
    for (const field of ["commands", "outputVariables", "environmentVariables"] as const) {
      if (action[field] !== undefined)
        throw actionError(place, `${field} is only for compute actions (Compute/Commands), not ${provider}.`);
    }
    if (action.outputArtifacts?.some((a) => a.files !== undefined))
      throw actionError(
        place,
        `output artifact files are only for compute actions (Compute/Commands), not ${provider}.`,
      );
  }
  if (type.id.provider === "Commands" && type.fields.compute && action.commands === undefined) {
    throw actionError(place, "a Commands action needs commands: a list of 1 to 50 shell commands to run.");
  }
  if (type.fields.compute) checkComputeFields(action, place);
  if (action.timeoutInMinutes !== undefined && !type.fields.timeout) {
    throw actionError(place, `timeoutInMinutes can only be set on manual approval actions, not ${provider}.`);
  }
  if (action.region !== undefined && action.region !== ctx.region && !type.fields.crossRegion) {
    throw actionError(
      place,
      `${provider} actions cannot run in another region (${action.region}); remove region or set it to ${ctx.region}.`,
    );
  }
  checkArtifactCounts(action, place, type, provider);
  checkConfiguration(action, place, type, provider);
}

function checkArtifactCounts(
  action: ActionInput,
  place: ActionPlace,
  type: ActionTypeDefinition,
  provider: string,
): void {
  const counts = [
    ["input", action.inputArtifacts?.length ?? 0, type.inputArtifacts],
    ["output", action.outputArtifacts?.length ?? 0, type.outputArtifacts],
  ] as const;
  for (const [kind, n, { min, max }] of counts) {
    if (n < min || n > max) {
      const allowed = min === max ? `exactly ${min}` : `${min} to ${max}`;
      throw actionError(
        place,
        `it has ${n} ${kind} artifact${n === 1 ? "" : "s"}; ${provider} actions take ${allowed}.`,
      );
    }
  }
  const inputs = new Set<string>();
  for (const { name } of action.inputArtifacts ?? []) {
    if (inputs.has(name)) throw actionError(place, `input artifact "${name}" is listed twice.`);
    inputs.add(name);
  }
}

function checkConfiguration(
  action: ActionInput,
  place: ActionPlace,
  type: ActionTypeDefinition,
  provider: string,
): void {
  const configuration = action.configuration ?? (Object.create(null) as Record<string, string>);
  const keys = Object.keys(configuration);
  const known = new Set(type.properties.map((p) => p.name));
  for (const key of keys) {
    if (!known.has(key)) {
      const allowed = type.properties.length
        ? `${provider} actions take ${nameList(type.properties.map((p) => p.name))}`
        : `${provider} actions take no configuration`;
      throw actionError(place, `configuration key ${JSON.stringify(key)} is not known; ${allowed}.`);
    }
  }
  for (const property of type.properties) {
    if (property.required && !Object.hasOwn(configuration, property.name)) {
      throw actionError(
        place,
        `configuration ${property.name} is required for ${provider} actions (${property.description})`,
      );
    }
  }
  if (!type.checkConfiguration) return;
  const view: ConfigurationView = {
    has: (name) => Object.hasOwn(configuration, name),
    literal: (name) => {
      const value = Object.hasOwn(configuration, name) ? configuration[name] : undefined;
      return value === undefined || hasReference(value) ? undefined : value;
    },
  };
  const problem = type.checkConfiguration(view, {
    inputArtifacts: (action.inputArtifacts ?? []).map((a) => a.name),
  });
  if (problem) throw actionError(place, problem);
}

/**
 * Output artifact names are unique in the pipeline, and every input artifact is made by an action
 * that runs before the one that reads it: in an earlier stage, or earlier (a lower runOrder) in the
 * same stage. An artifact read by an action running beside or before its producer — so also any
 * cycle — is refused.
 */
function checkArtifactFlow(p: PipelineDeclarationInput, places: readonly ActionPlace[]): void {
  const producers = new Map<string, ActionPlace>();
  let i = 0;
  for (const stage of p.stages) {
    for (const action of stage.actions) {
      const place = places[i++]!;
      for (const { name } of action.outputArtifacts ?? []) {
        const other = producers.get(name);
        if (other) {
          throw actionError(
            place,
            `output artifact "${name}" is also produced by stage "${other.stage}", action "${other.action}"; output artifact names must be unique in a pipeline.`,
          );
        }
        producers.set(name, place);
      }
    }
  }
  i = 0;
  for (const stage of p.stages) {
    for (const action of stage.actions) {
      const place = places[i++]!;
      for (const { name } of action.inputArtifacts ?? []) {
        const producer = producers.get(name);
        if (producer && runsBefore(producer, place)) continue;
        const before = [...producers].filter(([, at]) => runsBefore(at, place)).map(([n]) => n);
        if (!producer) {
          throw actionError(
            place,
            `input artifact "${name}" is not produced by any earlier action; artifacts produced before it: ${nameList(before)}.`,
          );
        }
        const when =
          producer.stageIndex === place.stageIndex
            ? producer.runOrder === place.runOrder
              ? `runs at the same time (runOrder ${place.runOrder}); give the producer a lower runOrder`
              : `runs after it (runOrder ${producer.runOrder} > ${place.runOrder}); give the producer a lower runOrder`
            : "is in a later stage";
        throw actionError(
          place,
          `input artifact "${name}" is produced by stage "${producer.stage}", action "${producer.action}", which ${when}. Artifacts produced before it: ${nameList(before)}.`,
        );
      }
    }
  }
}

/** Pipeline variables: unique names. Returns the declared names. */
function checkPipelineVariables(p: PipelineDeclarationInput): Set<string> {
  const names = new Set<string>();
  for (const variable of p.variables ?? []) {
    if (names.has(variable.name)) {
      throw structureError(
        `Pipeline variable "${variable.name}" is declared twice; variable names must be unique.`,
      );
    }
    names.add(variable.name);
  }
  return names;
}

/** The namespaces AWS reserves for its own variables. */
const RESERVED_NAMESPACES = new Set(["codepipeline", "variables"]);

/**
 * Namespaces are unique in the pipeline, and every `#{Namespace.Variable}` in a configuration
 * value or environment variable names `codepipeline`, `variables` (V2, a declared variable) or
 * the namespace of an action that runs before.
 */
function checkNamespacesAndReferences(
  p: PipelineDeclarationInput,
  places: readonly ActionPlace[],
  declaredVariables: ReadonlySet<string>,
  pipelineType: "V1" | "V2",
): void {
  const namespaces = new Map<string, ActionPlace>();
  let i = 0;
  for (const stage of p.stages) {
    for (const action of stage.actions) {
      const place = places[i++]!;
      if (action.namespace === undefined) continue;
      if (RESERVED_NAMESPACES.has(action.namespace)) {
        throw actionError(
          place,
          `namespace "${action.namespace}" is reserved for the pipeline's own variables; choose another.`,
        );
      }
      const other = namespaces.get(action.namespace);
      if (other) {
        throw actionError(
          place,
          `namespace "${action.namespace}" is also used by stage "${other.stage}", action "${other.action}"; namespaces must be unique in a pipeline.`,
        );
      }
      namespaces.set(action.namespace, place);
    }
  }
  i = 0;
  for (const stage of p.stages) {
    for (const action of stage.actions) {
      const place = places[i++]!;
      const values: Array<[string, string]> = [
        ...Object.keys(action.configuration ?? {}).map((key): [string, string] => [
          `configuration ${key}`,
          action.configuration![key]!,
        ]),
        ...(action.environmentVariables ?? []).map((v): [string, string] => [
          `environment variable ${v.name}`,
          v.value,
        ]),
      ];
      for (const [where, value] of values) {
        const scan = scanReferences(value);
        if (!scan.ok) throw actionError(place, `${where}: variable reference ${scan.text} ${scan.problem}.`);
        for (const ref of scan.references) {
          if (ref.namespace === "codepipeline") {
            if (!PIPELINE_EXECUTION_VARIABLES.includes(ref.name)) {
              throw actionError(
                place,
                `${where}: ${ref.text} names no pipeline variable; the codepipeline namespace has ${nameList(PIPELINE_EXECUTION_VARIABLES)}.`,
              );
            }
            continue;
          }
          if (ref.namespace === "variables") {
            if (pipelineType !== "V2") {
              throw actionError(
                place,
                `${where}: ${ref.text} refers to a pipeline variable, and only V2 pipelines have them.`,
              );
            }
            if (!declaredVariables.has(ref.name)) {
              throw actionError(
                place,
                `${where}: ${ref.text} names no declared pipeline variable; the pipeline declares ${nameList([...declaredVariables])}.`,
              );
            }
            continue;
          }
          const producer = namespaces.get(ref.namespace);
          if (producer && runsBefore(producer, place)) continue;
          const earlier = [...namespaces].filter(([, at]) => runsBefore(at, place)).map(([n]) => n);
          if (!producer) {
            throw actionError(
              place,
              `${where}: ${ref.text} names namespace "${ref.namespace}", which no action declares; namespaces of earlier actions: ${nameList(earlier)} (and codepipeline${pipelineType === "V2" ? ", variables" : ""}).`,
            );
          }
          throw actionError(
            place,
            `${where}: ${ref.text} names the namespace of stage "${producer.stage}", action "${producer.action}", which does not run before this action; only earlier actions' variables can be used.`,
          );
        }
      }
    }
  }
}

/** The error for a structure problem found outside these files (the artifact bucket). */
export function artifactStoreError(message: string): ServiceError {
  return structureError(message);
}
