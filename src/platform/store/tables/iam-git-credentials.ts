/** IAM credentials for git over HTTPS: service-specific credentials (`services/iam`). */
export interface IamGitCredentialTables {
  iam_service_credentials: {
    /** `ACCA…`, the ServiceSpecificCredentialId. */
    credential_id: string;
    user_id: string;
    /** `codecommit.amazonaws.com`. */
    service_name: string;
    /** The user name git sends (`<user>-at-<account>`), unique across the server. */
    service_user_name: string;
    /** Random scrypt salt of this credential, base64. */
    password_salt: string;
    /** scrypt(password, salt), base64; the password itself is never stored. */
    password_hash: string;
    /** `Active` or `Inactive`. */
    status: string;
    created_at: number;
  };
}
