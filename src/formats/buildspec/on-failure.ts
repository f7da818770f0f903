/** A phase's `on-failure`: ABORT | CONTINUE | RETRY | RETRY-count | RETRY-regex | RETRY-count-regex. */
import type { OnFailure } from "./types.js";

/** The forms `on-failure` accepts, for messages. */
export const ON_FAILURE_FORMS =
  "ABORT, CONTINUE, RETRY, RETRY-<count>, RETRY-<regex> or RETRY-<count>-<regex>";

/** RETRY without a count retries up to 3 times; a written count must be between 0 and 100. */
const DEFAULT_RETRIES = 3;
const MAX_RETRIES = 100;
/** RETRY without a regex retries whatever the error message (`.*`). */
const ANY_ERROR = ".*";

/** A parsed `on-failure`, or why it cannot be parsed. */
export type OnFailureResult = { ok: true; value: OnFailure } | { ok: false; message: string };

/**
 * Parses an `on-failure` value:
 * - `ABORT` ends the build (the default when none is written);
 * - `CONTINUE` goes on to the next phase;
 * - `RETRY` retries the phase up to 3 times, `RETRY-<count>` up to count times (0–100);
 * - `RETRY-<regex>` and `RETRY-<count>-<regex>` retry only while the failure's error message
 *   matches regex. A part after `RETRY-` made only of digits is a count.
 *
 * The regex is the Go (RE2) syntax CodeBuild reads; it is kept as JavaScript RegExp source and flags,
 * with a leading `(?i)`, `(?s)` or `(?m)` group turned into flags.
 */
export function parseOnFailure(text: string): OnFailureResult {
  if (text === "ABORT" || text === "CONTINUE") return { ok: true, value: { action: text } };
  if (text === "RETRY") return retry(DEFAULT_RETRIES, ANY_ERROR, text);
  const match = /^RETRY-(?:(\d+)(?:-(.+))?|(.+))$/s.exec(text);
  if (match === null)
    return { ok: false, message: `must be ${ON_FAILURE_FORMS}, got ${JSON.stringify(text)}` };
  const [, count, countedRegex, regex] = match;
  if (count === undefined) return retry(DEFAULT_RETRIES, regex ?? ANY_ERROR, text);
  const retries = Number(count);
  if (retries > MAX_RETRIES) {
    return { ok: false, message: `retry count must be between 0 and ${MAX_RETRIES}, got ${count}` };
  }
  return retry(retries, countedRegex ?? ANY_ERROR, text);
}

function retry(maxRetries: number, regex: string, text: string): OnFailureResult {
  const flagsGroup = /^\(\?([ism]+)\)/.exec(regex);
  const pattern = flagsGroup === null ? regex : regex.slice(flagsGroup[0].length);
  const flags = flagsGroup?.[1] === undefined ? "" : [...new Set(flagsGroup[1])].sort().join("");
  try {
    new RegExp(pattern, flags);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      message: `has a regular expression that does not compile in ${JSON.stringify(text)}: ${reason}`,
    };
  }
  return { ok: true, value: { action: "RETRY", maxRetries, pattern, flags } };
}
