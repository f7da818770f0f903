/** The rule types of stage conditions, as ListRuleTypes describes them (AWS's `RuleType`). */

interface Property {
  readonly name: string;
  readonly required: boolean;
  readonly description: string;
}

interface RuleTypeEntry {
  readonly provider: string;
  readonly properties: readonly Property[];
  /** Why this server cannot evaluate it, or undefined when it can. */
  readonly unavailable?: string;
}

export const RULE_TYPES: readonly RuleTypeEntry[] = [
  {
    provider: "CloudWatchAlarm",
    properties: [
      { name: "AlarmName", required: true, description: "The CloudWatch alarm to watch." },
      { name: "AlarmStates", required: false, description: "The alarm states that fail the rule." },
      { name: "WaitTime", required: false, description: "Minutes to watch the alarm." },
    ],
    unavailable: "this server has no CloudWatch alarms to watch",
  },
  {
    provider: "Commands",
    // The commands are the rule's `commands`; they run in a CodeBuild build without a project.
    properties: [],
  },
  {
    provider: "DeploymentWindow",
    properties: [
      { name: "Cron", required: true, description: "When deployments are allowed, as a cron expression." },
      { name: "TimeZone", required: false, description: "The IANA time zone of the expression (UTC)." },
    ],
  },
  {
    provider: "LambdaInvoke",
    properties: [
      { name: "FunctionName", required: true, description: "The Lambda function to invoke." },
      { name: "UserParameters", required: false, description: "A string given to the function." },
    ],
    unavailable: "this server has no Lambda functions to invoke",
  },
  {
    provider: "VariableCheck",
    properties: [
      {
        name: "Variable",
        required: true,
        description: "The variable to check, such as #{SourceVariables.BranchName}.",
      },
      { name: "Value", required: true, description: "The value to compare it with." },
      { name: "Operator", required: true, description: "EQ, NE, CONTAINS or MATCHES." },
    ],
  },
];

/** ListRuleTypes' `ruleTypes`. */
export function ruleTypeShapes() {
  return RULE_TYPES.map((t) => ({
    id: { category: "Rule", owner: "AWS", provider: t.provider, version: "1" },
    ruleConfigurationProperties: t.properties.map((p) => ({
      name: p.name,
      required: p.required,
      key: p.required,
      secret: false,
      description: p.description,
      type: "String",
    })),
    inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
  }));
}
