import { randomBytes } from "node:crypto";
import { formatArn, parseArn } from "../../core/index.js";
import { smError } from "./errors.js";

const NAME = /^[A-Za-z0-9/_+=.@-]+$/;
const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Checks a new secret's name with AWS's rule and message. */
export function checkSecretName(name: string): void {
  if (!NAME.test(name)) {
    throw smError(
      "ValidationException",
      "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
    );
  }
}

/**
 * A new secret's ARN: AWS appends a hyphen and six random characters to the name, so a secret
 * deleted and created again under the same name gets a different ARN and old grants do not apply.
 */
export function newSecretArn(accountId: string, region: string, name: string): string {
  const suffix = [...randomBytes(6)].map((b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join("");
  return formatArn({ service: "secretsmanager", region, accountId, resource: `secret:${name}-${suffix}` });
}

/** How a SecretId can name a secret. */
export type SecretRef = { arn: string; partialName?: string } | { name: string };

/**
 * Reads a SecretId: a full ARN, a partial ARN (the ARN without the random suffix), or a name.
 * Undefined for an ARN of another service, account or region: it names nothing here.
 */
export function parseSecretId(secretId: string, accountId: string, region: string): SecretRef | undefined {
  if (!secretId.startsWith("arn:")) return { name: secretId };
  const arn = parseArn(secretId);
  if (!arn || arn.service !== "secretsmanager" || arn.accountId !== accountId || arn.region !== region) {
    return undefined;
  }
  if (!arn.resource.startsWith("secret:")) return undefined;
  return { arn: secretId, partialName: arn.resource.slice("secret:".length) };
}
