export { createSecretsManager } from "./service.js";
export type { SecretsManagerDeps } from "./deps.js";
export { getSecretValue, type ResolvedSecretValue, type SecretValueRequest } from "./resolve.js";
