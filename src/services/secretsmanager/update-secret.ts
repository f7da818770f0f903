import { z } from "zod";
import { newUuid, systemClock } from "../../core/index.js";
import { operation } from "../kit/index.js";
import type { SecretsManagerDeps } from "./deps.js";
import { listVersions, purgeExpired } from "./secret-rows.js";
import { requireLiveSecret } from "./secret-value.js";
import { valueMembers } from "./shapes.js";
import { CURRENT } from "./stages.js";
import { valueFromInput } from "./values.js";
import { addVersion, findRetry } from "./versions.js";
import { awsString } from "../kit/index.js";

/**
 * Secrets Manager UpdateSecret: changes the description or key, and with a value adds a version
 * that becomes AWSCURRENT (the old one becomes AWSPREVIOUS).
 */
export function updateSecret(deps: SecretsManagerDeps) {
  const clock = deps.clock ?? systemClock;
  return operation({
    name: "UpdateSecret",
    input: z.object({
      SecretId: awsString(1, 2048),
      Description: awsString(0, 2048).optional(),
      KmsKeyId: awsString(0, 2048).optional(),
      Type: awsString(0, 256).optional(),
      ...valueMembers,
    }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const now = clock.now();
      const value = valueFromInput(input);
      await purgeExpired(ctx.trx, scope, now);
      const secret = await requireLiveSecret(ctx.trx, scope, input.SecretId);
      if (input.Description !== undefined || input.KmsKeyId !== undefined) {
        await ctx.trx
          .updateTable("secretsmanager_secrets")
          .set({
            description: input.Description ?? secret.description,
            kms_key_id: input.KmsKeyId === undefined ? secret.kms_key_id : input.KmsKeyId || null,
            last_changed_at: now,
          })
          .where("arn", "=", secret.arn)
          .execute();
      }
      if (!value) return { ARN: secret.arn, Name: secret.name };
      const versionId = input.ClientRequestToken ?? newUuid();
      if (!findRetry(deps.envelope, await listVersions(ctx.trx, [secret.arn]), versionId, value)) {
        await addVersion(ctx.trx, deps.envelope, secret, { id: versionId, value, stages: [CURRENT] }, now);
      }
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
    },
  });
}
