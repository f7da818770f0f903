import { createHash } from "node:crypto";
import type { RevisionLocation } from "./shapes.js";

/**
 * The identity of a revision: the same location registered twice (or registered, then deployed) is
 * one revision of the application. An S3 revision is its bucket, key, bundle type, version and
 * ETag; a GitHub one its repository and commit; inline content (AppSpecContent, String) the
 * SHA-256 of its content (not the `sha256` a caller sent). The key is a hash, so a long location still fits an index.
 */
export function revisionKey(revision: RevisionLocation): string {
  const type = revision.revisionType ?? "";
  let parts: unknown[];
  switch (type) {
    case "S3": {
      const s3 = revision.s3Location ?? {};
      parts = [s3.bucket ?? "", s3.key ?? "", s3.bundleType ?? "", s3.version ?? "", s3.eTag ?? ""];
      break;
    }
    case "GitHub":
      parts = [revision.gitHubLocation?.repository ?? "", revision.gitHubLocation?.commitId ?? ""];
      break;
    case "String":
    case "AppSpecContent": {
      const raw = type === "String" ? revision.string : revision.appSpecContent;
      parts = [sha256Hex(raw?.content ?? "")];
      break;
    }
    default:
      parts = [JSON.stringify(revision)];
  }
  return createHash("sha256")
    .update(JSON.stringify([type, ...parts]))
    .digest("hex");
}

export function sha256Hex(content: string): string {
  return createHash("sha256").update(content, "utf8").digest("hex");
}

/**
 * The location as stored and answered: only the members of its type (a request may carry others,
 * which AWS ignores), with AppSpecContent's `sha256` filled in from its content.
 */
export function normalizedRevision(revision: RevisionLocation): RevisionLocation {
  switch (revision.revisionType) {
    case "S3":
      return { revisionType: "S3", s3Location: { ...revision.s3Location } };
    case "GitHub":
      return { revisionType: "GitHub", gitHubLocation: { ...revision.gitHubLocation } };
    case "String": {
      const content = revision.string?.content ?? "";
      return { revisionType: "String", string: { content, sha256: sha256Hex(content) } };
    }
    case "AppSpecContent": {
      const content = revision.appSpecContent?.content ?? "";
      return { revisionType: "AppSpecContent", appSpecContent: { content, sha256: sha256Hex(content) } };
    }
    default:
      return revision;
  }
}
