import { z } from "zod";
import { newUuid, systemClock } from "../../core/index.js";
import { operation } from "../kit/index.js";
import type { SecretsManagerDeps } from "./deps.js";
import { smError } from "./errors.js";
import { checkSecretName, newSecretArn } from "./names.js";
import { findSecret, listVersions, purgeExpired, type SecretRow } from "./secret-rows.js";
import { Tag, valueMembers } from "./shapes.js";
import { CURRENT } from "./stages.js";
import { valueFromInput } from "./values.js";
import { addVersion, findRetry } from "./versions.js";
import { awsList, awsString } from "../kit/index.js";

/** Secrets Manager CreateSecret: a new secret, with a first version when a value is given. */
export function createSecret(deps: SecretsManagerDeps) {
  const clock = deps.clock ?? systemClock;
  return operation({
    name: "CreateSecret",
    input: z.object({
      Name: awsString(1, 512),
      Description: awsString(0, 2048).optional(),
      KmsKeyId: awsString(0, 2048).optional(),
      Tags: z.array(Tag).optional(),
      AddReplicaRegions: awsList(z.object({ Region: z.string().optional() }), 1).optional(),
      ForceOverwriteReplicaSecret: z.boolean().optional(),
      ...valueMembers,
    }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const now = clock.now();
      checkSecretName(input.Name);
      if (input.AddReplicaRegions?.length) {
        throw smError("InvalidRequestException", "Pipewright has one region; it cannot replicate secrets.");
      }
      const value = valueFromInput(input);
      const versionId = input.ClientRequestToken ?? newUuid();
      await purgeExpired(ctx.trx, scope, now);
      const existing = await findSecret(ctx.trx, scope, input.Name);
      if (existing?.deleted_at != null) {
        throw smError(
          "InvalidRequestException",
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        );
      }
      if (existing) {
        // The SDKs fill ClientRequestToken in and retry with the same one: a retry that finds its
        // own version answers as the first attempt did.
        const versions = await listVersions(ctx.trx, [existing.arn]);
        if (value && input.ClientRequestToken && findRetry(deps.envelope, versions, versionId, value)) {
          return { ARN: existing.arn, Name: existing.name, VersionId: versionId };
        }
        throw alreadyExists(input.Name);
      }
      const secret: SecretRow = {
        arn: newSecretArn(scope.accountId, scope.region, input.Name),
        account_id: scope.accountId,
        region: scope.region,
        name: input.Name,
        description: input.Description ?? null,
        kms_key_id: input.KmsKeyId || null,
        tags: JSON.stringify(input.Tags ?? []),
        created_at: now,
        last_changed_at: now,
        last_accessed_at: null,
        deleted_at: null,
        deletion_date: null,
      };
      const inserted = await ctx.trx
        .insertInto("secretsmanager_secrets")
        .values(secret)
        .onConflict((oc) => oc.columns(["account_id", "region", "name"]).doNothing())
        .returning("arn")
        .executeTakeFirst();
      // Another request created the name a moment ago.
      if (!inserted) throw alreadyExists(input.Name);
      if (!value) return { ARN: secret.arn, Name: secret.name };
      await addVersion(ctx.trx, deps.envelope, secret, { id: versionId, value, stages: [CURRENT] }, now);
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
    },
  });
}

function alreadyExists(name: string) {
  return smError(
    "ResourceExistsException",
    `The operation failed because the secret ${name} already exists.`,
  );
}
