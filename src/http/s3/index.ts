export { createS3Endpoint, type S3EndpointOptions } from "./endpoint.js";
export { createS3Handler, type S3HandlerDeps } from "./handler.js";
