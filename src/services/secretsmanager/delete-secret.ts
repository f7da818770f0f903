import { z } from "zod";
import { systemClock } from "../../core/index.js";
import { operation } from "../kit/index.js";
import type { SecretsManagerDeps } from "./deps.js";
import { markedForDeletion, secretNotFound, smError } from "./errors.js";
import { newSecretArn } from "./names.js";
import { deleteSecretNow, findSecret, purgeExpired, requireSecret } from "./secret-rows.js";
import { SecretId } from "./shapes.js";

const DAY_MS = 86_400_000;

/**
 * Secrets Manager DeleteSecret: schedules deletion after a recovery window (7–30 days, default 30),
 * during which the secret cannot be read but can be restored; or with ForceDeleteWithoutRecovery
 * deletes it and every version at once.
 */
export function deleteSecret(deps: SecretsManagerDeps) {
  const clock = deps.clock ?? systemClock;
  return operation({
    name: "DeleteSecret",
    input: z.object({
      SecretId,
      RecoveryWindowInDays: z.number().int().optional(),
      ForceDeleteWithoutRecovery: z.boolean().optional(),
    }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const now = clock.now();
      const force = input.ForceDeleteWithoutRecovery ?? false;
      if (force && input.RecoveryWindowInDays !== undefined) {
        throw smError(
          "InvalidParameterException",
          "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
        );
      }
      const days = input.RecoveryWindowInDays ?? 30;
      if (days < 7 || days > 30) {
        throw smError(
          "InvalidParameterException",
          "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
        );
      }
      await purgeExpired(ctx.trx, scope, now);
      const secret = await findSecret(ctx.trx, scope, input.SecretId);
      if (!secret) {
        // AWS answers a forced delete of a secret that is already gone with success, so cleanup
        // scripts can run twice.
        if (!force) throw secretNotFound();
        return {
          ARN: input.SecretId.startsWith("arn:")
            ? input.SecretId
            : newSecretArn(scope.accountId, scope.region, input.SecretId),
          Name: input.SecretId,
          DeletionDate: new Date(now),
        };
      }
      if (force) {
        await deleteSecretNow(ctx.trx, secret.arn);
        return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(now) };
      }
      if (secret.deleted_at !== null) throw markedForDeletion();
      const deletionDate = now + days * DAY_MS;
      await ctx.trx
        .updateTable("secretsmanager_secrets")
        .set({ deleted_at: now, deletion_date: deletionDate })
        .where("arn", "=", secret.arn)
        .execute();
      return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(deletionDate) };
    },
  });
}

/** Secrets Manager RestoreSecret: cancels a scheduled deletion; the secret can be read again. */
export function restoreSecret(deps: SecretsManagerDeps) {
  const clock = deps.clock ?? systemClock;
  return operation({
    name: "RestoreSecret",
    input: z.object({ SecretId }),
    handler: async (input, ctx) => {
      const scope = { accountId: ctx.accountId, region: ctx.region };
      const secret = await requireSecret(ctx.trx, scope, input.SecretId, clock.now());
      await ctx.trx
        .updateTable("secretsmanager_secrets")
        .set({ deleted_at: null, deletion_date: null })
        .where("arn", "=", secret.arn)
        .execute();
      return { ARN: secret.arn, Name: secret.name };
    },
  });
}
