/** A rule as declared in a stage condition (AWS's `RuleDeclaration`). */
export interface RuleDeclarationDoc {
  readonly name: string;
  readonly ruleTypeId: {
    readonly category: string;
    readonly owner?: string | undefined;
    readonly provider: string;
    readonly version?: string | undefined;
  };
  readonly configuration?: Readonly<Record<string, string>> | undefined;
  readonly commands?: readonly string[] | undefined;
  readonly inputArtifacts?: readonly { readonly name: string }[] | undefined;
  readonly region?: string | undefined;
}

/** What evaluating a rule once concluded. */
export type RuleOutcome =
  /** The rule's check passed. */
  | { readonly status: "Succeeded"; readonly summary: string }
  /** The rule's check ran and did not pass. */
  | { readonly status: "Failed"; readonly code: string; readonly message: string }
  /** The rule could not be checked (its configuration, or a provider not available here). */
  | { readonly status: "Errored"; readonly code: string; readonly message: string }
  /**
   * Not yet: check again at `recheckAt` (a deployment window that is closed now), or, without it,
   * when the rule's work ends (a Commands rule's build).
   */
  | { readonly status: "InProgress"; readonly summary: string; readonly recheckAt?: number | undefined };
