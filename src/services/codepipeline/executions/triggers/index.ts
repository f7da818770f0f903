export { filterGlobMatches, passes } from "./filters.js";
export { createPushHandler, pushMatches, pushOf, type Push } from "./push.js";
export {
  createPullRequestHandler,
  pullRequestChangeOf,
  pullRequestMatches,
  triggerEventOf,
  type PullRequestChange,
  type PullRequestTriggerEvent,
} from "./pull-request.js";
export { createObjectCreatedHandler, createdObjectOf } from "./s3-object.js";
