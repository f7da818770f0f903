/** SSM Parameter Store (`services/ssm`): each parameter's current state and every version it had. */
export interface SsmTables {
  ssm_parameters: {
    account_id: string;
    region: string;
    /** As the caller wrote it: `/a/b` and `a` are different parameters. */
    name: string;
    /** `String`, `StringList` or `SecureString`: the type of the current version. */
    type: string;
    /** The KMS key id named for a SecureString (`alias/aws/ssm` by default); null for other types. */
    key_id: string | null;
    description: string | null;
    allowed_pattern: string | null;
    /** `Standard` or `Advanced`. */
    tier: string;
    /** `text` or `aws:ec2:image`. */
    data_type: string;
    /** The current version; versions count from 1 and never repeat while the parameter exists. */
    version: number;
    /** JSON array of `{Key, Value}`. */
    tags: string;
    last_modified_at: number;
    /** ARN of the principal that wrote the current version. */
    last_modified_user: string;
  };
  ssm_parameter_versions: {
    account_id: string;
    region: string;
    name: string;
    version: number;
    type: string;
    /**
     * The value: plain text for `String` and `StringList`; for `SecureString` only an envelope
     * ciphertext bound to `<parameter ARN>:<version>`, so no plaintext secret is ever stored.
     */
    value: string;
    key_id: string | null;
    description: string | null;
    allowed_pattern: string | null;
    tier: string;
    data_type: string;
    /** JSON array of version labels. */
    labels: string;
    modified_at: number;
    modified_user: string;
  };
}
