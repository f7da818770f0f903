/** IAM principals and their long-term access keys. */
export interface IamTables {
  iam_users: {
    user_id: string;
    account_id: string;
    user_name: string;
    path: string;
    arn: string;
    /** 1 for the account's root user. */
    is_root: number;
    created_at: number;
  };
  iam_access_keys: {
    access_key_id: string;
    user_id: string;
    /** The secret, encrypted under the master key (it must be recoverable to verify SigV4). */
    secret_ciphertext: string;
    status: string;
    created_at: number;
  };
}
