import { actionTypeName } from "../action-types/catalogue.js";
import type { PipelineDeclarationInput, TriggerInput } from "./shapes.js";
import { nameList, structureError } from "./structure-errors.js";
import type { StructureContext } from "./structure.js";

/** V2 triggers: each names a git source action of the first stage, once, with sensible filters. */
export function checkTriggers(p: PipelineDeclarationInput, ctx: StructureContext): void {
  const triggers = p.triggers ?? [];
  const first = p.stages[0]!;
  const used = new Set<string>();
  for (const trigger of triggers) {
    const name = trigger.gitConfiguration.sourceActionName;
    const action = first.actions.find((a) => a.name === name);
    const gitSources = first.actions
      .filter((a) => ctx.actionTypes.get(actionTypeName(a.actionTypeId))?.triggerSource)
      .map((a) => a.name);
    if (!action) {
      throw structureError(
        `Trigger sourceActionName "${name}" names no action of the first stage ("${first.name}"); its source actions that can trigger: ${nameList(gitSources)}.`,
      );
    }
    if (!ctx.actionTypes.get(actionTypeName(action.actionTypeId))?.triggerSource) {
      throw structureError(
        `Trigger sourceActionName "${name}" names a ${action.actionTypeId.provider} source action, which cannot start a pipeline by trigger; git source actions that can: ${nameList(gitSources)}.`,
      );
    }
    if (used.has(name)) {
      throw structureError(
        `Source action "${name}" has two triggers; declare at most one trigger per source action.`,
      );
    }
    used.add(name);
    checkTriggerFilters(trigger, name);
  }
}

function checkTriggerFilters(trigger: TriggerInput, name: string): void {
  const where = `Trigger of source action "${name}"`;
  for (const [index, push] of (trigger.gitConfiguration.push ?? []).entries()) {
    const at = `${where}, push filter ${index + 1}`;
    if (push.tags && (push.branches || push.filePaths)) {
      throw structureError(`${at}: filter on tags, or on branches (and file paths), not both in one filter.`);
    }
    if (!push.tags && !push.branches) {
      throw structureError(`${at}: give tags or branches to filter on.`);
    }
    if (push.filePaths && !push.branches) {
      throw structureError(`${at}: filePaths needs branches in the same filter.`);
    }
    for (const [field, criteria] of Object.entries({
      tags: push.tags,
      branches: push.branches,
      filePaths: push.filePaths,
    })) {
      if (criteria && !criteria.includes && !criteria.excludes)
        throw structureError(`${at}: ${field} needs includes or excludes.`);
    }
  }
  for (const [index, pr] of (trigger.gitConfiguration.pullRequest ?? []).entries()) {
    const at = `${where}, pull request filter ${index + 1}`;
    if (!pr.branches)
      throw structureError(`${at}: give the branches whose pull requests start the pipeline.`);
    if (pr.events && new Set(pr.events).size !== pr.events.length)
      throw structureError(`${at}: events lists an event twice.`);
    for (const [field, criteria] of Object.entries({ branches: pr.branches, filePaths: pr.filePaths })) {
      if (criteria && !criteria.includes && !criteria.excludes)
        throw structureError(`${at}: ${field} needs includes or excludes.`);
    }
  }
}
