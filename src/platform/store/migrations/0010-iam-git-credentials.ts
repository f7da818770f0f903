import type { Migration } from "./types.js";

/** IAM service-specific credentials (HTTPS git passwords) and SSH public keys. */
export const iamGitCredentialsMigration: Migration = {
  name: "0010-iam-git-credentials",
  async up() {
    // Filled in with the credential tables.
  },
};
