import type { CodeDeployErrorCode } from "../errors.js";
import { codedeployError } from "../errors.js";
import type { Tag, TagInput } from "../shapes.js";

/** The most tags an application or deployment group can have (AWS's resource tag limit). */
export const MAX_RESOURCE_TAGS = 50;

/**
 * Tags as AWS checks them for a resource: a key of 1 to 128 characters not starting `aws:`, a
 * value of at most 256, keys unique, at most 50 (`code`, by default InvalidTagsToAddException).
 */
export function checkTags(
  tags: readonly TagInput[],
  field: string,
  code: CodeDeployErrorCode = "InvalidTagsToAddException",
): Tag[] {
  if (tags.length > MAX_RESOURCE_TAGS) {
    throw codedeployError(
      code,
      `${field} has ${tags.length} tags; a resource can have at most ${MAX_RESOURCE_TAGS}.`,
    );
  }
  const keys = new Set<string>();
  return tags.map((tag, i) => {
    const checked = checkTag(tag, `${field}[${i}]`, code);
    if (keys.has(checked.Key))
      throw codedeployError(code, `Tag key "${checked.Key}" is given twice in ${field}.`);
    keys.add(checked.Key);
    return checked;
  });
}

/** One tag: a key of 1 to 128 characters not starting `aws:`, a value of at most 256. */
export function checkTag(tag: TagInput, field: string, code: CodeDeployErrorCode): Tag {
  const key = tag.Key ?? "";
  const value = tag.Value ?? "";
  if (key.length < 1 || key.length > 128) {
    throw codedeployError(code, `${field}.Key must have 1 to 128 characters, not ${key.length}.`);
  }
  if (key.toLowerCase().startsWith("aws:")) {
    throw codedeployError(code, `${field}.Key "${key}" starts with aws:, which is reserved for AWS.`);
  }
  if (value.length > 256) {
    throw codedeployError(code, `${field}.Value must have at most 256 characters, not ${value.length}.`);
  }
  return { Key: key, Value: value };
}

/** `existing` with `added` set over it (same key: the new value), in first-set order. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const merged = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const tag of added) merged.set(tag.Key, tag.Value);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}
