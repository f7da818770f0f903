import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import { COMPUTE_TYPES } from "../../codebuild/index.js";

// The action types a pipeline can use: AWS's built-in providers that Pipewright runs (this file),
// and later the Custom ones an account defines (CreateCustomActionType, from the store). Structure
// checks read it to know what an action may declare; executions read it to know how to run one.

/** `category`/`owner`/`provider`/`version`, as in an action's `actionTypeId`. */
export interface ActionTypeKey {
  category: string;
  owner: string;
  provider: string;
  version: string;
}

/** One configuration property of an action type, as ListActionTypes describes it. */
export interface ConfigurationProperty {
  name: string;
  required: boolean;
  key: boolean;
  secret: boolean;
  queryable: boolean;
  description: string;
  type: "String" | "Number" | "Boolean";
}

/** How many artifacts an action of the type takes or makes. */
export interface ArtifactCount {
  min: number;
  max: number;
}

/** What an action of this type may carry besides its configuration. */
export interface ActionFields {
  /** `commands`, `outputVariables`, `environmentVariables`, output artifacts' `files` (compute actions). */
  compute: boolean;
  /** `timeoutInMinutes` (AWS allows it on manual approvals only). */
  timeout: boolean;
  /** `region` other than the pipeline's (not for source or compute actions). */
  crossRegion: boolean;
}

/** An action type and the rules an action of it follows. */
export interface ActionTypeDefinition {
  id: ActionTypeKey;
  description: string;
  properties: readonly ConfigurationProperty[];
  inputArtifacts: ArtifactCount;
  outputArtifacts: ArtifactCount;
  fields: ActionFields;
  /** Only V2 pipelines may use it (the Commands action). */
  v2Only: boolean;
  /** A Custom type's `settings` (its URL templates), as CreateCustomActionType was given them. */
  settings?: CustomActionDefinition["settings"];
  /**
   * A git source a V2 pipeline trigger can name. On AWS only CodeStarSourceConnection actions
   * (which Pipewright does not run) can be; here CodeCommit source actions can.
   */
  triggerSource: boolean;
  /**
   * Checks of configuration values that need nothing outside the declaration; the message says
   * what is wrong and what would be right, or undefined when all is well. Values holding a
   * variable reference (`#{…}`) are resolved at run time and are not passed here.
   */
  checkConfiguration?(configuration: ConfigurationView, action: ActionView): string | undefined;
}

/** The configuration values a check sees: only literal ones (no `#{…}` references). */
export interface ConfigurationView {
  /** The value, or undefined when absent or a variable reference. */
  literal(name: string): string | undefined;
  /** Whether the key is present at all (with a literal or a reference). */
  has(name: string): boolean;
}

/** What a configuration check may know of its action. */
export interface ActionView {
  inputArtifacts: readonly string[];
}

/** `Category/Owner/Provider/Version`, the key of an action type. */
export function actionTypeName(id: ActionTypeKey): string {
  return `${id.category}/${id.owner}/${id.provider}/${id.version}`;
}

function property(
  name: string,
  description: string,
  options: { required?: boolean; key?: boolean; type?: ConfigurationProperty["type"] } = {},
): ConfigurationProperty {
  return {
    name,
    required: options.required ?? false,
    key: options.key ?? false,
    secret: false,
    queryable: false,
    description,
    type: options.type ?? "String",
  };
}

/** Whether `value` is `true` or `false` (any case, as AWS reads them). */
function isBooleanText(value: string): boolean {
  return /^(true|false)$/i.test(value);
}

function booleanChecks(configuration: ConfigurationView, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = configuration.literal(name);
    if (value !== undefined && !isBooleanText(value))
      return `configuration ${name} is ${JSON.stringify(value)}; it must be true or false.`;
  }
  return undefined;
}

const SOURCE_FIELDS: ActionFields = { compute: false, timeout: false, crossRegion: false };
const PLAIN_FIELDS: ActionFields = { compute: false, timeout: false, crossRegion: true };

const CANNED_ACLS = [
  "private",
  "public-read",
  "public-read-write",
  "aws-exec-read",
  "authenticated-read",
  "bucket-owner-read",
  "bucket-owner-full-control",
];

const ENVIRONMENT_VARIABLE_TYPES = ["PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER"];

/** CodeBuild's configuration checks, shared by its Build and Test actions. */
function checkCodeBuildConfiguration(
  configuration: ConfigurationView,
  action: ActionView,
): string | undefined {
  const booleans = booleanChecks(configuration, ["BatchEnabled", "CombineArtifacts"]);
  if (booleans) return booleans;
  const primary = configuration.literal("PrimarySource");
  if (primary !== undefined && !action.inputArtifacts.includes(primary)) {
    return `configuration PrimarySource is "${primary}", which is not one of the action's input artifacts (${action.inputArtifacts.join(", ")}).`;
  }
  if (action.inputArtifacts.length > 1 && !configuration.has("PrimarySource")) {
    return `the action has ${action.inputArtifacts.length} input artifacts, so configuration PrimarySource must name the one that holds the buildspec (one of ${action.inputArtifacts.join(", ")}).`;
  }
  const combine = configuration.literal("CombineArtifacts");
  if (combine?.toLowerCase() === "true" && configuration.literal("BatchEnabled")?.toLowerCase() !== "true") {
    return "configuration CombineArtifacts is true, which needs BatchEnabled true as well.";
  }
  const variables = configuration.literal("EnvironmentVariables");
  if (variables !== undefined) return checkEnvironmentVariablesJson(variables);
  return undefined;
}

/** CodeBuild's `EnvironmentVariables`: a JSON array of `{ name, value, type? }`. */
function checkEnvironmentVariablesJson(text: string): string | undefined {
  const shape =
    'a JSON array of objects like [{"name":"STAGE","value":"prod","type":"PLAINTEXT"}] (type PLAINTEXT, PARAMETER_STORE or SECRETS_MANAGER)';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `configuration EnvironmentVariables is not valid JSON; it must be ${shape}.`;
  }
  if (!Array.isArray(parsed)) return `configuration EnvironmentVariables must be ${shape}.`;
  for (const [i, item] of parsed.entries()) {
    const entry = item as Record<string, unknown> | null;
    if (
      entry === null ||
      typeof entry !== "object" ||
      Array.isArray(entry) ||
      typeof entry.name !== "string" ||
      entry.name === "" ||
      typeof entry.value !== "string" ||
      (entry.type !== undefined && !ENVIRONMENT_VARIABLE_TYPES.includes(entry.type as string))
    ) {
      return `configuration EnvironmentVariables item ${i + 1} is not valid; the value must be ${shape}.`;
    }
  }
  return undefined;
}

/** The built-in action types Pipewright runs. */
export const BUILT_IN_ACTION_TYPES: readonly ActionTypeDefinition[] = [
  {
    id: { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" },
    description: "Starts from a branch of a CodeCommit repository of this server.",
    properties: [
      property("RepositoryName", "The name of the repository the source comes from.", {
        required: true,
        key: true,
      }),
      property("BranchName", "The branch whose latest commit the pipeline takes.", { required: true }),
      property(
        "PollForSourceChanges",
        "Whether to start the pipeline by polling the branch (true or false).",
        {
          type: "Boolean",
        },
      ),
      property(
        "OutputArtifactFormat",
        "CODE_ZIP (a zip of the files, the default) or CODEBUILD_CLONE_REF (a reference CodeBuild clones).",
      ),
    ],
    inputArtifacts: { min: 0, max: 0 },
    outputArtifacts: { min: 1, max: 1 },
    fields: SOURCE_FIELDS,
    v2Only: false,
    triggerSource: true,
    checkConfiguration(configuration) {
      const booleans = booleanChecks(configuration, ["PollForSourceChanges"]);
      if (booleans) return booleans;
      const format = configuration.literal("OutputArtifactFormat");
      if (format !== undefined && format !== "CODE_ZIP" && format !== "CODEBUILD_CLONE_REF") {
        return `configuration OutputArtifactFormat is ${JSON.stringify(format)}; it must be CODE_ZIP or CODEBUILD_CLONE_REF.`;
      }
      return undefined;
    },
  },
  {
    id: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
    description: "Starts from a zip object in an S3 bucket of this server (versioning-enabled on AWS).",
    properties: [
      property("S3Bucket", "The bucket that holds the source object.", { required: true, key: true }),
      property("S3ObjectKey", "The key of the source zip object.", { required: true }),
      property(
        "PollForSourceChanges",
        "Whether to start the pipeline by polling the object (true or false).",
        {
          type: "Boolean",
        },
      ),
      property(
        "AllowOverrideForS3ObjectKey",
        "Whether StartPipelineExecution may name another object key (true or false).",
        { type: "Boolean" },
      ),
    ],
    inputArtifacts: { min: 0, max: 0 },
    outputArtifacts: { min: 1, max: 1 },
    fields: SOURCE_FIELDS,
    v2Only: false,
    triggerSource: false,
    checkConfiguration: (configuration) =>
      booleanChecks(configuration, ["PollForSourceChanges", "AllowOverrideForS3ObjectKey"]),
  },
  ...(["Build", "Test"] as const).map((category): ActionTypeDefinition => ({
    id: { category, owner: "AWS", provider: "CodeBuild", version: "1" },
    description:
      category === "Build"
        ? "Runs a build of a CodeBuild project with the input artifacts as its sources."
        : "Runs a CodeBuild project as a test, with the input artifacts as its sources.",
    properties: [
      property("ProjectName", "The CodeBuild project to run.", { required: true, key: true }),
      property(
        "PrimarySource",
        "The input artifact that holds the buildspec; required with more than one input artifact.",
      ),
      property("BatchEnabled", "Whether to run a batch build (true or false).", { type: "Boolean" }),
      property(
        "CombineArtifacts",
        "Whether a batch build's artifacts are combined into one (true or false).",
        {
          type: "Boolean",
        },
      ),
      property(
        "EnvironmentVariables",
        'Environment variables for the build, as a JSON array of {"name","value","type"} objects.',
      ),
    ],
    inputArtifacts: { min: 1, max: 5 },
    outputArtifacts: { min: 0, max: 5 },
    fields: PLAIN_FIELDS,
    v2Only: false,
    triggerSource: false,
    checkConfiguration: checkCodeBuildConfiguration,
  })),
  {
    id: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" },
    description: "Waits until someone approves or rejects it (PutApprovalResult).",
    properties: [
      property("NotificationArn", "An SNS topic told when the approval is waiting."),
      property("ExternalEntityLink", "A link for the approver to review."),
      property("CustomData", "Text shown to the approver."),
    ],
    inputArtifacts: { min: 0, max: 0 },
    outputArtifacts: { min: 0, max: 0 },
    fields: { compute: false, timeout: true, crossRegion: true },
    v2Only: false,
    triggerSource: false,
  },
  {
    id: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
    description: "Writes the input artifact to an S3 bucket of this server, as it is or unzipped.",
    properties: [
      property("BucketName", "The bucket to deploy to.", { required: true, key: true }),
      property("Extract", "Whether to unzip the artifact into the bucket (true or false).", {
        required: true,
        type: "Boolean",
      }),
      property(
        "ObjectKey",
        "The key (or, with Extract true, the prefix) to write; required when Extract is false.",
      ),
      property("KMSEncryptionKeyARN", "The KMS key the objects are encrypted with."),
      property("CannedACL", "The canned ACL given to the objects written."),
      property("CacheControl", "The Cache-Control header given to the objects written."),
    ],
    inputArtifacts: { min: 1, max: 1 },
    outputArtifacts: { min: 0, max: 0 },
    fields: PLAIN_FIELDS,
    v2Only: false,
    triggerSource: false,
    checkConfiguration(configuration) {
      const booleans = booleanChecks(configuration, ["Extract"]);
      if (booleans) return booleans;
      if (configuration.literal("Extract")?.toLowerCase() === "false" && !configuration.has("ObjectKey")) {
        return "configuration Extract is false, so ObjectKey must name the object to write.";
      }
      const acl = configuration.literal("CannedACL");
      if (acl !== undefined && !CANNED_ACLS.includes(acl)) {
        return `configuration CannedACL is ${JSON.stringify(acl)}; it must be one of ${CANNED_ACLS.join(", ")}.`;
      }
      return undefined;
    },
  },
  {
    id: { category: "Deploy", owner: "AWS", provider: "CodeDeploy", version: "1" },
    description: "Deploys the input artifact with a CodeDeploy deployment group.",
    properties: [
      property("ApplicationName", "The CodeDeploy application.", { required: true, key: true }),
      property("DeploymentGroupName", "The deployment group to deploy to.", { required: true }),
    ],
    inputArtifacts: { min: 1, max: 1 },
    outputArtifacts: { min: 0, max: 0 },
    fields: PLAIN_FIELDS,
    v2Only: false,
    triggerSource: false,
  },
  {
    id: { category: "Compute", owner: "AWS", provider: "Commands", version: "1" },
    description: "Runs the action's shell commands in a build environment, with the input artifacts.",
    // The commands are the action's `commands`, not configuration. The build environment's image
    // and compute type are accepted as CodeBuild accepts them and reported by the build; the
    // commands run in this server's build sandbox whatever they say.
    properties: [
      property("ComputeType", "The build environment's compute type (default BUILD_GENERAL1_SMALL)."),
      property("Image", "The build environment's image."),
    ],
    checkConfiguration(configuration) {
      const computeType = configuration.literal("ComputeType");
      if (computeType !== undefined && !(COMPUTE_TYPES as readonly string[]).includes(computeType))
        return `ComputeType ${JSON.stringify(computeType)} is not a CodeBuild compute type; use one of ${COMPUTE_TYPES.join(", ")}.`;
      return undefined;
    },
    inputArtifacts: { min: 1, max: 10 },
    outputArtifacts: { min: 0, max: 1 },
    fields: { compute: true, timeout: false, crossRegion: false },
    v2Only: true,
    triggerSource: false,
  },
];

/** Where structure checks and executions find action types. */
export interface ActionTypeCatalogue {
  /** The action type `id` names, or undefined. */
  find(id: ActionTypeKey): Promise<ActionTypeDefinition | undefined>;
  /**
   * Every action type, or those of one owner. With `page`, the built-in types only when it starts
   * the listing (no `after`), then at most `limit` Custom types after `after`, in key order.
   */
  list(owner?: string, page?: CustomTypePage): Promise<readonly ActionTypeDefinition[]>;
}

/** Where a page of Custom action types starts (after `after`) and how many it reads. */
export interface CustomTypePage {
  after?: { category: string; provider: string; version: string } | undefined;
  limit: number;
}

const BUILT_IN_BY_NAME = new Map(BUILT_IN_ACTION_TYPES.map((t) => [actionTypeName(t.id), t]));

/** What CreateCustomActionType stores of a Custom action type. */
export interface CustomActionDefinition {
  settings?: {
    thirdPartyConfigurationUrl?: string | undefined;
    entityUrlTemplate?: string | undefined;
    executionUrlTemplate?: string | undefined;
    revisionUrlTemplate?: string | undefined;
  };
  configurationProperties: Array<{
    name: string;
    required: boolean;
    key: boolean;
    secret: boolean;
    queryable?: boolean | undefined;
    description?: string | undefined;
    type?: "String" | "Number" | "Boolean" | undefined;
  }>;
  inputArtifactDetails: { minimumCount: number; maximumCount: number };
  outputArtifactDetails: { minimumCount: number; maximumCount: number };
}

/** A stored Custom action type as the rules an action of it follows. */
export function customActionType(
  id: ActionTypeKey,
  definition: CustomActionDefinition,
): ActionTypeDefinition {
  return {
    id,
    description: `A custom action: a job worker polling with PollForJobs runs it.`,
    properties: definition.configurationProperties.map((p) => ({
      name: p.name,
      required: p.required,
      key: p.key,
      secret: p.secret,
      queryable: p.queryable ?? false,
      description: p.description ?? "",
      type: p.type ?? "String",
    })),
    inputArtifacts: {
      min: definition.inputArtifactDetails.minimumCount,
      max: definition.inputArtifactDetails.maximumCount,
    },
    outputArtifacts: {
      min: definition.outputArtifactDetails.minimumCount,
      max: definition.outputArtifactDetails.maximumCount,
    },
    fields: { compute: false, timeout: false, crossRegion: false },
    v2Only: false,
    triggerSource: false,
    ...(definition.settings ? { settings: definition.settings } : {}),
  };
}

/**
 * The catalogue an account sees in a region: the built-in types, and the Custom types it created
 * (CreateCustomActionType) and has not deleted.
 */
export function actionTypeCatalogue(
  executor: Kysely<Database>,
  scope: { accountId: string; region: string },
): ActionTypeCatalogue {
  const custom = async (id?: ActionTypeKey, page?: CustomTypePage) => {
    let query = executor
      .selectFrom("codepipeline_custom_action_types")
      .selectAll()
      .where("account_id", "=", scope.accountId)
      .where("region", "=", scope.region)
      .where("deleted_at", "is", null)
      .orderBy("category")
      .orderBy("provider")
      .orderBy("version");
    if (id) {
      query = query
        .where("category", "=", id.category)
        .where("provider", "=", id.provider)
        .where("version", "=", id.version);
    }
    if (page?.after) {
      const { category, provider, version } = page.after;
      query = query.where((eb) =>
        eb(eb.refTuple("category", "provider", "version"), ">", eb.tuple(category, provider, version)),
      );
    }
    if (page) query = query.limit(page.limit);
    const rows = await query.execute();
    return rows.map((r) =>
      customActionType(
        { category: r.category, owner: "Custom", provider: r.provider, version: r.version },
        JSON.parse(r.definition) as CustomActionDefinition,
      ),
    );
  };
  return {
    async find(id) {
      if (id.owner === "Custom") return (await custom(id))[0];
      return BUILT_IN_BY_NAME.get(actionTypeName(id));
    },
    async list(owner, page) {
      const builtIn =
        page?.after !== undefined
          ? []
          : owner === undefined
            ? BUILT_IN_ACTION_TYPES
            : BUILT_IN_ACTION_TYPES.filter((t) => t.id.owner === owner);
      return owner === undefined || owner === "Custom"
        ? [...builtIn, ...(await custom(undefined, page))]
        : builtIn;
    },
  };
}
