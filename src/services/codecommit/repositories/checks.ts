import { codecommitError } from "../errors.js";

// Tag rules of AWS tagging: at most 50 tags, keys 1–128 and values 0–256 characters, and keys
// starting with `aws:` are AWS's own.

/** Checks a tags map (`InvalidTagsMapException`, `TooManyTagsException`, `InvalidSystemTagUsageException`). */
export function checkTags(tags: Record<string, string>): Record<string, string> {
  const keys = Object.keys(tags);
  if (keys.length > 50)
    throw codecommitError("TooManyTagsException", `${keys.length} tags given; at most 50 are allowed.`);
  for (const key of keys) {
    if (key.length < 1 || key.length > 128 || (tags[key] ?? "").length > 256) {
      throw codecommitError(
        "InvalidTagsMapException",
        `Tag ${JSON.stringify(key)} is not valid: keys are 1 to 128 characters and values at most 256.`,
      );
    }
    if (key.toLowerCase().startsWith("aws:")) {
      throw codecommitError(
        "InvalidSystemTagUsageException",
        `Tag keys starting with aws: are reserved (${key}).`,
      );
    }
  }
  return tags;
}

/** Descriptions are at most 1,000 characters (`InvalidRepositoryDescriptionException`). */
export function checkDescription(description: string | undefined): string | null {
  if (description === undefined) return null;
  if (description.length > 1000) {
    throw codecommitError(
      "InvalidRepositoryDescriptionException",
      `repositoryDescription is ${description.length} characters long; at most 1000 are allowed.`,
    );
  }
  return description;
}
