/** IAM SSH public keys for git over SSH (`services/iam/ssh-keys.ts`). */
export interface IamSshKeyTables {
  iam_ssh_public_keys: {
    /** `APKA` and 16 characters; the SSH user name git connects as. */
    ssh_public_key_id: string;
    user_id: string;
    /** The key's SSH algorithm name, e.g. `ssh-rsa` or `ssh-ed25519`. */
    key_type: string;
    /** Base64 of the key in SSH wire format (what a client offers when it authenticates). */
    key_blob: string;
    /** The body as uploaded (trimmed), returned when its encoding is asked for. */
    body: string;
    /** MD5 of the wire-format key, colon-separated hex, as IAM reports it. */
    fingerprint: string;
    /** `Active` or `Inactive`. */
    status: string;
    uploaded_at: number;
  };
}
