/**
 * Fuzzing with a fixed budget: every property runs PIPEWRIGHT_FUZZ_RUNS inputs (default 400) or
 * for PIPEWRIGHT_FUZZ_SECONDS (default 4), whichever ends first, so CI's time is known in advance.
 * A failure prints fast-check's seed and path; `PIPEWRIGHT_FUZZ_SEED=<seed>` replays it.
 */
import fc from "fast-check";

const runs = Number(process.env.PIPEWRIGHT_FUZZ_RUNS ?? 400);
const seconds = Number(process.env.PIPEWRIGHT_FUZZ_SECONDS ?? 4);
const seed = process.env.PIPEWRIGHT_FUZZ_SEED;

/** fast-check parameters for one property. */
export function budget(share = 1): fc.Parameters<unknown> {
  return {
    numRuns: Math.max(1, Math.round(runs * share)),
    interruptAfterTimeLimit: seconds * 1000 * share,
    markInterruptAsFailure: false,
    ...(seed !== undefined && { seed: Number(seed) }),
  };
}

/** Characters that break parsers: quoting, nesting, separators, escapes, controls and wide ones. */
const HOSTILE = [
  ..."\"'`\\/{}[]<>()&%=:;,.-_#!?*$@|~^\t\r\n ",
  "\0",
  "..",
  "../",
  "%00",
  "%2e%2e%2f",
  "\u2028",
  "\ufeff",
  "\ud83d\ude80",
  "\udc00",
  "\u00e9",
  "&amp;",
  "<!--",
  "]]>",
  "<![CDATA[",
  "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
  "&e;",
  "*a",
  "&a ",
  "!!binary ",
  "? ",
  "- ",
  ": ",
  "{{",
  "1e309",
  "-0",
  "null",
  "true",
  "9".repeat(40),
];

/** A character or token from {@link HOSTILE}, or any code unit. */
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 3 }) },
);

/** One edit of a string: insert, delete, replace or repeat a slice. */
type Edit = { at: number; kind: "insert" | "delete" | "replace" | "repeat"; text: string; length: number };

function applyEdit(text: string, edit: Edit): string {
  const at = text.length === 0 ? 0 : edit.at % (text.length + 1);
  switch (edit.kind) {
    case "insert":
      return text.slice(0, at) + edit.text + text.slice(at);
    case "delete":
      return text.slice(0, at) + text.slice(at + edit.length);
    case "replace":
      return text.slice(0, at) + edit.text + text.slice(at + edit.text.length);
    case "repeat":
      return text.slice(0, at) + text.slice(at, at + edit.length).repeat(3) + text.slice(at);
  }
}

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("insert", "delete", "replace", "repeat"),
  text: piece,
  length: fc.integer({ min: 1, max: 12 }),
});

/**
 * Inputs near valid ones (each of `seeds` with a few hostile edits) and far from them (random
 * strings of hostile pieces and of any code units).
 */
export function hostileText(seeds: readonly string[]): fc.Arbitrary<string> {
  const near = fc
    .tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 6 }))
    .map(([seedText, edits]) => edits.reduce(applyEdit, seedText));
  return fc.oneof(
    { weight: 4, arbitrary: near },
    { weight: 1, arbitrary: fc.array(piece, { maxLength: 40 }).map((p) => p.join("")) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  );
}

/** Bytes near `seeds` (a few bytes overwritten, cut or inserted) or random. */
export function hostileBytes(seeds: readonly Buffer[]): fc.Arbitrary<Buffer> {
  const near = fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "cut", "add")), {
        minLength: 1,
        maxLength: 8,
      }),
    )
    .map(([seedBytes, edits]) => {
      let bytes = Buffer.from(seedBytes);
      for (const [at, value, kind] of edits) {
        const i = at % (bytes.length + 1);
        if (kind === "set" && i < bytes.length) bytes[i] = value;
        else if (kind === "cut") bytes = bytes.subarray(0, i);
        else bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([value]), bytes.subarray(i)]);
      }
      return bytes;
    });
  return fc.oneof(
    { weight: 4, arbitrary: near },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)) },
  );
}

/**
 * Calls `fn`; an error it throws must be one `expected` accepts (a parser's own, documented error).
 * Anything else (a TypeError, a RangeError from recursion) fails the property with the input.
 */
export async function onlyExpectedErrors<T>(
  fn: () => T | Promise<T>,
  expected: (err: unknown) => boolean,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (expected(err)) return undefined;
    throw err;
  }
}
