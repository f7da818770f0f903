import type { IncomingMessage } from "node:http";
import { s3Error } from "../../services/s3/index.js";
import {
  createBucketRoute,
  deleteBucketRoute,
  getBucketLocationRoute,
  headBucketRoute,
  listBucketsRoute,
} from "./bucket-routes.js";
import type { Route } from "./call.js";
import { listObjectsRoute, listObjectsV2Route, listPartsRoute, listUploadsRoute } from "./list-routes.js";
import {
  abortUploadRoute,
  completeUploadRoute,
  createUploadRoute,
  uploadPartCopyRoute,
  uploadPartRoute,
} from "./multipart-routes.js";
import { copyObjectRoute, deleteObjectRoute, deleteObjectsRoute, putObjectRoute } from "./object-routes.js";
import { getObjectRoute, headObjectRoute } from "./read-routes.js";
import type { S3Target } from "./request.js";

/**
 * Query parameters that select an S3 sub-resource. A request naming one that is not built here is
 * answered NotImplemented; other parameters (`x-id`, `response-*`, presigning) do not change routing.
 */
const SUBRESOURCES = new Set([
  "accelerate",
  "acl",
  "analytics",
  "attributes",
  "cors",
  "delete",
  "encryption",
  "intelligent-tiering",
  "inventory",
  "legal-hold",
  "lifecycle",
  "list-type",
  "location",
  "logging",
  "metadataTable",
  "metrics",
  "notification",
  "object-lock",
  "ownershipControls",
  "policy",
  "policyStatus",
  "publicAccessBlock",
  "renameObject",
  "replication",
  "requestPayment",
  "restore",
  "retention",
  "select",
  "session",
  "tagging",
  "torrent",
  "uploadId",
  "uploads",
  "versioning",
  "versions",
  "website",
]);

const METHODS = new Set(["GET", "HEAD", "PUT", "POST", "DELETE"]);

/** Picks the operation for a method, target and sub-resource, as S3's REST API defines them. */
export function selectRoute(req: IncomingMessage, target: S3Target): Route {
  const method = (req.method ?? "GET").toUpperCase();
  if (!METHODS.has(method))
    throw s3Error("MethodNotAllowed", undefined, { Method: method, ResourceType: "OBJECT" });
  const sub = [...target.query.keys()]
    .filter((k) => SUBRESOURCES.has(k))
    .sort()
    .join("&");
  const route =
    target.bucket === undefined
      ? serviceRoute(method, sub)
      : target.key === undefined
        ? bucketRoute(method, sub, target)
        : objectRoute(method, sub, req);
  if (route) return route;
  if (target.bucket === undefined || (sub === "" && method === "POST")) {
    throw s3Error("MethodNotAllowed", undefined, {
      Method: method,
      ResourceType: target.bucket ? "BUCKET" : "SERVICE",
    });
  }
  throw s3Error(
    "NotImplemented",
    `${method} ${sub ? `?${sub} ` : ""}on ${target.key === undefined ? "a bucket" : "an object"} is not implemented by Pipewright's S3 API.`,
  );
}

function serviceRoute(method: string, sub: string): Route | undefined {
  return method === "GET" && sub === "" ? listBucketsRoute : undefined;
}

function bucketRoute(method: string, sub: string, target: S3Target): Route | undefined {
  switch (`${method} ${sub}`) {
    case "PUT ":
      return createBucketRoute;
    case "DELETE ":
      return deleteBucketRoute;
    case "HEAD ":
      return headBucketRoute;
    case "GET ":
      return listObjectsRoute;
    case "GET list-type":
      if (target.query.get("list-type") !== "2") {
        throw s3Error("InvalidArgument", "Invalid List Type specified in Request", {
          ArgumentName: "list-type",
          ArgumentValue: target.query.get("list-type") ?? "",
        });
      }
      return listObjectsV2Route;
    case "GET location":
      return getBucketLocationRoute;
    case "GET uploads":
      return listUploadsRoute;
    case "POST delete":
      return deleteObjectsRoute;
    default:
      return undefined;
  }
}

function objectRoute(method: string, sub: string, req: IncomingMessage): Route | undefined {
  const copy = req.headers["x-amz-copy-source"] !== undefined;
  switch (`${method} ${sub}`) {
    case "PUT ":
      return copy ? copyObjectRoute : putObjectRoute;
    case "PUT uploadId":
      return copy ? uploadPartCopyRoute : uploadPartRoute;
    case "GET ":
      return getObjectRoute;
    case "HEAD ":
      return headObjectRoute;
    case "DELETE ":
      return deleteObjectRoute;
    case "GET uploadId":
      return listPartsRoute;
    case "DELETE uploadId":
      return abortUploadRoute;
    case "POST uploads":
      return createUploadRoute;
    case "POST uploadId":
      return completeUploadRoute;
    default:
      return undefined;
  }
}
