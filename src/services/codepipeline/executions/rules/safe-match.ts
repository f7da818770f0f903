import { runInNewContext } from "node:vm";

/**
 * A MATCHES check whose pattern comes from a pipeline definition, so it is hostile input: a
 * pattern such as `(a+)+$` backtracks for longer than the universe against a few dozen
 * characters. Patterns and subjects are length-limited, and the match runs in a throwaway V8
 * context with a time limit, which interrupts the regular expression engine mid-backtrack: the
 * engine, which evaluates rules under the pipeline's lock, never hangs on one.
 */

/** Longest pattern accepted (AWS's rule configuration values are short). */
export const MAX_PATTERN_LENGTH = 1000;
/** Longest subject matched (a resolved variable). */
export const MAX_SUBJECT_LENGTH = 10_000;
/** Time a match may take. */
export const MATCH_TIMEOUT_MS = 100;

export type MatchResult =
  { readonly kind: "matched" | "unmatched" } | { readonly kind: "invalid"; readonly message: string };

/**
 * Whether `subject` matches `pattern` as a whole, as Java's `String.matches` (CodePipeline's regular
 * expressions follow Java's syntax; the common subset is JavaScript's, with the `u` flag).
 */
export function safeMatch(pattern: string, subject: string, timeoutMs = MATCH_TIMEOUT_MS): MatchResult {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return { kind: "invalid", message: `the pattern is longer than ${MAX_PATTERN_LENGTH} characters.` };
  if (subject.length > MAX_SUBJECT_LENGTH)
    return { kind: "invalid", message: `the value is longer than ${MAX_SUBJECT_LENGTH} characters.` };
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${pattern})$`, "u");
  } catch (e) {
    return {
      kind: "invalid",
      message: `"${pattern}" is not a valid regular expression (${(e as Error).message}).`,
    };
  }
  try {
    // Only data crosses into the context: the compiled pattern and the subject string.
    const matched = runInNewContext(
      "regex.test(subject)",
      { regex, subject },
      { timeout: timeoutMs },
    ) as boolean;
    return { kind: matched ? "matched" : "unmatched" };
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      return {
        kind: "invalid",
        message: `the pattern took longer than ${timeoutMs} ms to match (it backtracks catastrophically); simplify it.`,
      };
    }
    throw e;
  }
}
