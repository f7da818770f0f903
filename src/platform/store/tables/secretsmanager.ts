/** Secrets Manager (`services/secretsmanager`): secrets and their versions. */
export interface SecretsManagerTables {
  secretsmanager_secrets: {
    /** `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>`. */
    arn: string;
    account_id: string;
    region: string;
    /** Unique per account and region while the secret exists, including during its recovery window. */
    name: string;
    description: string | null;
    kms_key_id: string | null;
    /** JSON array of `{Key, Value}`. */
    tags: string;
    created_at: number;
    /** Last change to the secret's value or metadata. */
    last_changed_at: number;
    /** Day (midnight UTC) of the last GetSecretValue, as AWS records it. */
    last_accessed_at: number | null;
    /** When DeleteSecret scheduled the deletion; null while the secret is live. */
    deleted_at: number | null;
    /** When the scheduled deletion becomes permanent (end of the recovery window). */
    deletion_date: number | null;
  };
  secretsmanager_secret_versions: {
    secret_arn: string;
    /** The ClientRequestToken that created the version (a UUID when the caller gave none). */
    version_id: string;
    /** JSON array of staging labels (`AWSCURRENT`, `AWSPREVIOUS`, custom); empty when deprecated. */
    stages: string;
    /** `string` for SecretString, `binary` for SecretBinary. */
    value_type: string;
    /** The value, only as an envelope ciphertext bound to `<secret ARN>:<version id>`. */
    ciphertext: string;
    created_at: number;
    last_accessed_at: number | null;
  };
}
