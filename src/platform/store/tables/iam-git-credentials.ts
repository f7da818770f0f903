/** IAM credentials for git: service-specific credentials and SSH public keys (`services/iam`). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IamGitCredentialTables {}
