/**
 * Variable references in action configuration, as CodePipeline writes them: `#{Namespace.Name}` for
 * an earlier action's output variable, `#{codepipeline.PipelineExecutionId}` for the execution's
 * own, `#{variables.Name}` for a V2 pipeline variable. Resolved when the action starts; a
 * reference that resolves to nothing fails the action with a message naming it.
 */

/** One `#{namespace.name}` in a value. */
export interface VariableReference {
  readonly namespace: string;
  readonly name: string;
  /** As written, e.g. `#{SourceVariables.CommitId}`. */
  readonly text: string;
}

// Namespaces and variable names as the model allows them (ActionNamespace, PipelineVariableName,
// output variable names): letters, digits and @ - _ ; names may also hold dots (`a.b` is not split).
const REFERENCE = /#\{([A-Za-z0-9@_-]+)\.([A-Za-z0-9@_.-]+)\}/g;

/** Every reference in `value`, in order. */
export function referencesIn(value: string): VariableReference[] {
  return [...value.matchAll(REFERENCE)].map((m) => ({ namespace: m[1]!, name: m[2]!, text: m[0] }));
}

/** A reference that resolves to nothing. */
export class UnresolvedVariableError extends Error {
  constructor(
    readonly reference: VariableReference,
    readonly where: string,
    known: readonly string[],
  ) {
    super(
      `${where}: ${reference.text} resolves to nothing` +
        (known.length
          ? `; variables available here: ${known.map((k) => `#{${k}}`).join(", ")}.`
          : "; no variables are available here (give an earlier action a namespace to use its output variables)."),
    );
  }
}

/** Variables by `namespace.name`. */
export type VariableScope = ReadonlyMap<string, string>;

/** `value` with every reference replaced; throws UnresolvedVariableError naming `where`. */
export function substitute(value: string, scope: VariableScope, where: string): string {
  return value.replace(REFERENCE, (text, namespace: string, name: string) => {
    const resolved = scope.get(`${namespace}.${name}`);
    if (resolved === undefined) {
      throw new UnresolvedVariableError({ namespace, name, text }, where, [...scope.keys()].sort());
    }
    return resolved;
  });
}

/** Every value of a configuration map substituted; keys stay as written. */
export function substituteAll(
  configuration: Readonly<Record<string, string>>,
  scope: VariableScope,
  where: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(configuration)) {
    Object.defineProperty(out, key, {
      value: substitute(value, scope, `${where}, configuration ${key}`),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
