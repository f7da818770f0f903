export type { Principal, RequestContext, OperationContext } from "./context.js";
export {
  operation,
  jsonService,
  queryService,
  type Operation,
  type AnyOperation,
  type JsonService,
  type QueryService,
} from "./operation.js";
export { formatValidationIssues } from "./validation.js";
export { awsString, awsEnum, awsInt, awsList } from "./schema.js";
export type { ServiceModule, JobDeclaration, JobPool, SubscriptionDeclaration } from "./module.js";
export { jsonServicesOf } from "./module.js";
export { encodePageToken, decodePageToken, isOffset, isKey, type PagePosition } from "./page-token.js";
