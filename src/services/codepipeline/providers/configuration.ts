/** Reading an action's configuration: each missing or malformed setting is a ConfigurationError naming it. */
import { ActionFailure, type ActionRun, type ArtifactLocation } from "./types.js";

/** The non-empty value of `name`, or a ConfigurationError saying what it is for. */
export function requiredSetting(run: ActionRun, action: string, name: string, purpose: string): string {
  const value = run.configuration[name];
  if (value === undefined || value.trim() === "") {
    throw new ActionFailure(
      "ConfigurationError",
      `The ${action} action needs the configuration setting ${name} (${purpose}).`,
    );
  }
  return value;
}

/** The value of `name` when set and not blank. */
export function optionalSetting(run: ActionRun, name: string): string | undefined {
  const value = run.configuration[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** `true` or `false`, in any case. */
export function booleanSetting(value: string, name: string): boolean {
  const lower = value.trim().toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new ActionFailure(
    "ConfigurationError",
    `${name} must be true or false, not ${JSON.stringify(value)}.`,
  );
}

/** One of `allowed`, exactly as spelled. */
export function enumSetting<T extends string>(value: string, name: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ActionFailure(
    "ConfigurationError",
    `${name} ${JSON.stringify(value)} is not valid; use one of ${allowed.join(", ")}.`,
  );
}

/** The action's one output artifact (source actions). */
export function soleOutput(run: ActionRun, action: string): ArtifactLocation {
  const [output, ...rest] = run.outputArtifacts;
  if (!output || rest.length > 0) {
    throw new ActionFailure(
      "ConfigurationError",
      `The ${action} action has exactly one output artifact; this one declares ${run.outputArtifacts.length}.`,
    );
  }
  return output;
}

/** The action's one input artifact (deploy actions). */
export function soleInput(run: ActionRun, action: string): ArtifactLocation {
  const [input, ...rest] = run.inputArtifacts;
  if (!input || rest.length > 0) {
    throw new ActionFailure(
      "ConfigurationError",
      `The ${action} action takes exactly one input artifact; this one declares ${run.inputArtifacts.length}.`,
    );
  }
  return input;
}

/** Whether `text` holds a C0 control character or DEL (a line break included). */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
