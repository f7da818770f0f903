// Variable references in action configuration: `#{Namespace.Variable}` — an earlier action's
// namespace, `codepipeline` (the execution's own variables) or, in V2 pipelines, `variables`
// (the pipeline's declared variables). Resolution happens at run time; here they are only read.

/** One `#{namespace.name}` found in a value. */
export interface VariableReference {
  namespace: string;
  name: string;
  /** The reference as written, `#{…}`. */
  text: string;
}

/** What reading a value's references found: the references, or the first malformed one. */
export type ReferenceScan =
  { ok: true; references: VariableReference[] } | { ok: false; text: string; problem: string };

const PART = /^[A-Za-z0-9@\-_]+$/;

/** The pipeline-level variables of the `codepipeline` namespace. */
export const PIPELINE_EXECUTION_VARIABLES: readonly string[] = ["PipelineExecutionId"];

/** Reads every `#{…}` reference of `value` (a linear scan, whatever the value holds). */
export function scanReferences(value: string): ReferenceScan {
  const references: VariableReference[] = [];
  let from = 0;
  for (;;) {
    const start = value.indexOf("#{", from);
    if (start < 0) return { ok: true, references };
    const end = value.indexOf("}", start + 2);
    if (end < 0) {
      return {
        ok: false,
        text: shorten(value.slice(start)),
        problem: "is not closed with }",
      };
    }
    const body = value.slice(start + 2, end);
    const text = `#{${body}}`;
    const dot = body.indexOf(".");
    const namespace = dot < 0 ? "" : body.slice(0, dot);
    const name = dot < 0 ? "" : body.slice(dot + 1);
    if (!PART.test(namespace) || !PART.test(name)) {
      return {
        ok: false,
        text: shorten(text),
        problem:
          "is not of the form #{Namespace.VariableName} (a namespace and a variable name of letters, digits, @, - and _, joined by one dot)",
      };
    }
    references.push({ namespace, name, text });
    from = end + 1;
  }
}

/** Whether `value` holds a variable reference (its literal value is known only at run time). */
export function hasReference(value: string): boolean {
  return value.includes("#{");
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
