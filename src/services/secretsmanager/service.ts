import { jsonService, type ServiceModule } from "../kit/index.js";
import { createSecret } from "./create-secret.js";
import type { SecretsManagerDeps } from "./deps.js";
import { deleteSecret, restoreSecret } from "./delete-secret.js";
import { describeSecret, listSecrets, listSecretVersionIds } from "./describe-secrets.js";
import { getSecretValue, putSecretValue } from "./secret-value.js";
import { updateSecret } from "./update-secret.js";

/** Secrets Manager over the AWS JSON 1.1 protocol (`X-Amz-Target: secretsmanager.<Operation>`). */
export function createSecretsManager(deps: SecretsManagerDeps): ServiceModule {
  const json = jsonService({
    targetPrefix: "secretsmanager",
    signingName: "secretsmanager",
    actionPrefix: "secretsmanager",
    // Request-shape failures are ValidationException on AWS; InvalidParameterException is for
    // values that parse but make no sense (a recovery window of 3 days, two values at once).
    validationErrorCode: "ValidationException",
    operations: [
      createSecret(deps),
      getSecretValue(deps),
      putSecretValue(deps),
      updateSecret(deps),
      deleteSecret(deps),
      restoreSecret(deps),
      describeSecret(deps),
      listSecrets(deps),
      listSecretVersionIds(deps),
    ],
  });
  return { name: "secretsmanager", json };
}
