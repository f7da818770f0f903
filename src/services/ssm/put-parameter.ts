import { z } from "zod";
import { systemClock } from "../../core/index.js";
import { operation } from "../kit/index.js";
import type { SsmDeps } from "./deps.js";
import { ssmError, validationError } from "./errors.js";
import { checkNameForWrite, parameterArn } from "./names.js";
import { findParameter, pruneVersions, type ParameterRow } from "./parameter-rows.js";
import { sealValue } from "./values.js";
import { awsEnum, awsList, awsString } from "../kit/index.js";

/** The parameter types Parameter Store knows. */
export const PARAMETER_TYPES = ["String", "StringList", "SecureString"] as const;
const TIERS = ["Standard", "Advanced", "Intelligent-Tiering"] as const;
const DATA_TYPES = ["text", "aws:ec2:image", "aws:ssm:integration"];
/** The KMS key a SecureString names when the caller names none. */
export const DEFAULT_KEY_ID = "alias/aws/ssm";
const STANDARD_MAX = 4096;
const ADVANCED_MAX = 8192;

const Tag = z.object({ Key: awsString(1, 128), Value: awsString(0, 256) });

const PutParameterInput = z.object({
  Name: awsString(1, 2048),
  Description: awsString(0, 1024).optional(),
  Value: awsString(1),
  Type: awsEnum(PARAMETER_TYPES).optional(),
  KeyId: awsString(1, 256)
    .regex(/^([a-zA-Z0-9:/_-]+)$/, "Member must satisfy regular expression pattern: ^([a-zA-Z0-9:/_-]+)$")
    .optional(),
  Overwrite: z.boolean().optional(),
  AllowedPattern: awsString(0, 1024).optional(),
  Tags: awsList(Tag, 0, 1000).optional(),
  Tier: awsEnum(TIERS).optional(),
  Policies: awsString(1, 4096).optional(),
  DataType: awsString(0, 128).optional(),
});
type PutParameterInput = z.output<typeof PutParameterInput>;

/** SSM PutParameter: creates a parameter, or with `Overwrite` writes its next version. */
export function putParameter(deps: SsmDeps) {
  const clock = deps.clock ?? systemClock;
  return operation({
    name: "PutParameter",
    input: PutParameterInput,
    resource: (input, ctx) => parameterArn(ctx.accountId, ctx.region, input.Name),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      if (input.Tags?.length && input.Overwrite) {
        throw validationError(
          "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
        );
      }
      checkNameForWrite(input.Name);
      if (input.Policies !== undefined) {
        throw validationError(
          "Parameter policies are not supported by Pipewright; send the request without Policies.",
        );
      }
      const existing = await findParameter(ctx.trx, scope, [input.Name]);
      if (existing && !input.Overwrite) throw alreadyExists();
      const next = nextState(input, existing);
      const now = clock.now();
      const meta = {
        type: next.type,
        key_id: next.keyId,
        description: next.description,
        allowed_pattern: next.allowedPattern,
        tier: next.tier,
        data_type: next.dataType,
        last_modified_at: now,
        last_modified_user: ctx.principal.arn,
      };
      let version: number | undefined;
      if (!existing) {
        const created = await ctx.trx
          .insertInto("ssm_parameters")
          .values({
            account_id: scope.accountId,
            region: scope.region,
            name: input.Name,
            version: 1,
            tags: JSON.stringify(input.Tags ?? []),
            ...meta,
          })
          .onConflict((oc) => oc.columns(["account_id", "region", "name"]).doNothing())
          .returning("version")
          .executeTakeFirst();
        version = created?.version;
        // Another request created it a moment ago: the same answer as if it had been there first.
        if (version === undefined && !input.Overwrite) throw alreadyExists();
      }
      if (version === undefined) {
        // An atomic increment: concurrent overwrites get consecutive versions, never the same one.
        const updated = await ctx.trx
          .updateTable("ssm_parameters")
          .set((eb) => ({ version: eb("version", "+", 1), ...meta }))
          .where("account_id", "=", scope.accountId)
          .where("region", "=", scope.region)
          .where("name", "=", input.Name)
          .returning("version")
          .executeTakeFirstOrThrow();
        version = updated.version;
      }
      await ctx.trx
        .insertInto("ssm_parameter_versions")
        .values({
          account_id: scope.accountId,
          region: scope.region,
          name: input.Name,
          version,
          type: next.type,
          value: sealValue(deps.envelope, scope, input.Name, version, next.type, input.Value),
          key_id: next.keyId,
          description: next.description,
          allowed_pattern: next.allowedPattern,
          tier: next.tier,
          data_type: next.dataType,
          labels: "[]",
          modified_at: now,
          modified_user: ctx.principal.arn,
        })
        .execute();
      await pruneVersions(ctx.trx, scope, input.Name, version);
      return { Version: version, Tier: next.tier };
    },
  });
}

function alreadyExists() {
  return ssmError(
    "ParameterAlreadyExists",
    "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
  );
}

interface NextState {
  type: string;
  keyId: string | null;
  description: string | null;
  allowedPattern: string | null;
  tier: string;
  dataType: string;
}

/**
 * The attributes of the version being written: what the request says, else what the parameter had
 * (AWS keeps description, pattern, key and tier across an overwrite that omits them), else defaults.
 */
function nextState(input: PutParameterInput, existing: ParameterRow | undefined): NextState {
  if (!existing && !input.Type) {
    throw validationError("A parameter type is required when you create a parameter.");
  }
  const type = input.Type ?? existing!.type;
  const dataType = input.DataType ?? existing?.data_type ?? "text";
  if (!DATA_TYPES.includes(dataType)) {
    throw validationError(
      `The following data type is not supported: ${dataType} (Data type names are all lowercase.)`,
    );
  }
  if (dataType === "aws:ec2:image" && !/^ami-[a-z0-9]{8,17}$/.test(input.Value)) {
    throw validationError(
      "A parameter of data type aws:ec2:image must hold an AMI ID such as ami-0123456789abcdef0.",
    );
  }
  const allowedPattern = input.AllowedPattern ?? existing?.allowed_pattern ?? null;
  if (allowedPattern) checkAllowedPattern(allowedPattern, input.Value);
  const keyId =
    type !== "SecureString"
      ? null
      : (input.KeyId ?? (existing?.type === "SecureString" ? existing.key_id : null) ?? DEFAULT_KEY_ID);
  return {
    type,
    keyId,
    description: input.Description ?? existing?.description ?? null,
    allowedPattern,
    tier: resolveTier(input.Tier, existing?.tier, input.Value.length),
    dataType,
  };
}

/** The tier a value of `length` characters is stored in, with AWS's refusals. */
function resolveTier(requested: string | undefined, current: string | undefined, length: number): string {
  const wanted = requested ?? current ?? "Standard";
  if (wanted === "Intelligent-Tiering") {
    return current === "Advanced" || length > STANDARD_MAX ? "Advanced" : "Standard";
  }
  if (wanted === "Standard" && current === "Advanced") {
    throw validationError(
      "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.",
    );
  }
  if (wanted === "Standard" && length > STANDARD_MAX) {
    throw validationError(
      `Standard tier parameters support a maximum parameter value of ${STANDARD_MAX} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.`,
    );
  }
  if (length > ADVANCED_MAX) {
    throw validationError(
      `Advanced tier parameters support a maximum parameter value of ${ADVANCED_MAX} characters.`,
    );
  }
  return wanted;
}

/** AWS matches the whole value against AllowedPattern (a Java-style regular expression). */
function checkAllowedPattern(pattern: string, value: string): void {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch {
    throw ssmError(
      "InvalidAllowedPatternException",
      `The allowed pattern ${pattern} is not a valid regular expression.`,
    );
  }
  if (!re.test(value)) {
    throw ssmError(
      "ParameterPatternMismatchException",
      `Parameter value, cannot be validated against allowedPattern: ${pattern}`,
    );
  }
}
