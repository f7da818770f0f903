export {
  ServiceError,
  isServiceError,
  ConfigError,
  errorMessage,
  type ServiceErrorOptions,
} from "./errors.js";
export {
  newUuid,
  newRequestId,
  newAccessKeyId,
  newSecretAccessKey,
  randomKeyChars,
  formatArn,
  parseArn,
  type ArnParts,
} from "./ids.js";
export { systemClock, type Clock } from "./clock.js";
export { createLogger, type Logger, type LoggerOptions } from "./logger.js";
export { loadServerConfig, ServerConfigSchema, type ServerConfig, type ServerConfigInput } from "./config.js";
export { signedHeaders, type SigningKey } from "./signed-request.js";
export { refusedAddress } from "./addresses.js";
