/** The `phases` section: install, pre_build, build and post_build, each with its commands and settings. */
import { isSeq } from "yaml";
import { describe, isEmpty, type Entry, type Field, type ParseContext } from "./context.js";
import { parseOnFailure } from "./on-failure.js";
import { readString, readStringList, readStringMap } from "./readers.js";
import { closestName } from "./suggest.js";
import { PHASE_NAMES, PHASE_TYPES, type BuildspecPhase, type PhaseName } from "./types.js";

const PHASE_KEYS = ["run-as", "on-failure", "runtime-versions", "commands", "finally"] as const;

/** YAML reads an unquoted `: ` inside a command as a mapping; the hint says how to fix it. */
const COMMAND_MAPPING_HINT = '(a command containing ": " must be quoted)';

/** A phase the buildspec does not declare: no commands, default settings. */
function undeclaredPhase(name: PhaseName): BuildspecPhase {
  return {
    name,
    type: PHASE_TYPES[name],
    declared: false,
    runAs: undefined,
    onFailure: { action: "ABORT" },
    runtimeVersions: {},
    commands: [],
    finally: [],
  };
}

/**
 * Validates `phases` and returns all four phases in run order (install, pre_build, build,
 * post_build), whatever order the file writes them in; phases the file omits are undeclared.
 */
export function validatePhases(ctx: ParseContext, field: Field | undefined): BuildspecPhase[] {
  const phases = PHASE_NAMES.map(undeclaredPhase);
  if (field === undefined) return phases;
  const entries = ctx.entries(field) ?? [];
  for (const entry of entries) {
    const index = PHASE_NAMES.findIndex((name) => name === entry.key);
    const name = PHASE_NAMES[index];
    if (name === undefined) {
      warnUnknownPhase(ctx, entry);
      continue;
    }
    phases[index] = validatePhase(ctx, name, entry);
  }
  return phases;
}

/** Only install, pre_build, build and post_build run; any other phase name is ignored. */
function warnUnknownPhase(ctx: ParseContext, entry: Entry): void {
  const guess = closestName(entry.key, PHASE_NAMES);
  const hint = guess === undefined ? "" : `did you mean "${guess}"? `;
  ctx.warn(
    entry.keyAt,
    entry.path,
    `is not a build phase and is ignored; ${hint}(phases are ${PHASE_NAMES.join(", ")})`,
  );
}

function validatePhase(ctx: ParseContext, name: PhaseName, field: Field): BuildspecPhase {
  const phase: BuildspecPhase = { ...undeclaredPhase(name), declared: true };
  if (isSeq(field.node)) {
    ctx.error(
      field.at,
      field.path,
      `must be a mapping with commands, got ${describe(field.node)} (put the list under commands:)`,
    );
    return phase;
  }
  const entries = ctx.entries(field);
  if (entries === undefined) return phase;
  ctx.warnUnknownKeys(entries, PHASE_KEYS, "a phase key");
  for (const entry of entries) {
    switch (entry.key) {
      case "run-as":
        // A phase's run-as takes precedence over the top-level run-as.
        phase.runAs = readString(ctx, entry);
        break;
      case "on-failure": {
        const text = readString(ctx, entry);
        if (text === undefined) break;
        const parsed = parseOnFailure(text);
        if (parsed.ok) phase.onFailure = parsed.value;
        else ctx.error(entry.at, entry.path, parsed.message);
        break;
      }
      case "runtime-versions":
        if (name !== "install") {
          ctx.warn(entry.keyAt, entry.path, "is ignored: runtime-versions is read only in the install phase");
          break;
        }
        phase.runtimeVersions = readStringMap(ctx, entry, { valueName: "a version string" }) ?? {};
        break;
      case "commands":
        // Each item is one command; a block scalar (| or >) is one command of several lines.
        phase.commands = readStringList(ctx, entry, { mappingItemHint: COMMAND_MAPPING_HINT }) ?? [];
        break;
      case "finally":
        // finally runs after commands, even when one of the commands fails.
        phase.finally = readStringList(ctx, entry, { mappingItemHint: COMMAND_MAPPING_HINT }) ?? [];
        break;
    }
  }
  const hasWork = entries.some(
    (e) => ["commands", "finally", "runtime-versions"].includes(e.key) && !isEmpty(e.node),
  );
  if (!hasWork) ctx.warn(field.at, field.path, "has no commands");
  return phase;
}
