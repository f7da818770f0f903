export { createSsm } from "./service.js";
export type { SsmDeps } from "./deps.js";
export { getParameterValue, type ParameterValue, type ParameterValueRequest } from "./resolve.js";
export { parameterArn } from "./names.js";
