import type { Kysely } from "kysely";
import type { Database } from "../../../platform/store/index.js";
import type { RevisionBuckets } from "../deps.js";
import { codedeployError } from "../errors.js";
import { sha256Hex } from "./identity.js";
import type { RevisionLocation } from "./shapes.js";

/** The most characters inline AppSpec content can have (AWS's limit on AppSpecContent.content). */
export const MAX_APPSPEC_CONTENT = 65_536;

/**
 * A revision location holds what its type needs (InvalidRevisionException naming the member
 * otherwise; RevisionRequiredException without one): S3 a bucket, key and bundle type; GitHub a
 * repository and commit; AppSpecContent and String their content, with a `sha256`, when given,
 * that is the content's.
 */
export function checkRevisionShape(
  revision: RevisionLocation | undefined,
  field = "revision",
): RevisionLocation {
  if (!revision) throw codedeployError("RevisionRequiredException", `${field} is required.`);
  const invalid = (message: string) => codedeployError("InvalidRevisionException", `${field}: ${message}`);
  switch (revision.revisionType) {
    case undefined:
      throw invalid("revisionType is required: S3, GitHub, String or AppSpecContent.");
    case "S3": {
      const s3 = revision.s3Location;
      if (!s3) throw invalid("an S3 revision needs s3Location (bucket, key, bundleType).");
      if (!s3.bucket) throw invalid("s3Location.bucket is required.");
      if (!s3.key) throw invalid("s3Location.key is required.");
      if (!s3.bundleType) throw invalid("s3Location.bundleType is required: tar, tgz, zip, YAML or JSON.");
      if (s3.key.length > 1024)
        throw invalid(`s3Location.key has ${s3.key.length} characters; an S3 key has at most 1024.`);
      return revision;
    }
    case "GitHub": {
      const gh = revision.gitHubLocation;
      if (!gh?.repository || !gh.commitId) {
        throw invalid("a GitHub revision needs gitHubLocation.repository and gitHubLocation.commitId.");
      }
      return revision;
    }
    case "String":
    case "AppSpecContent": {
      const member = revision.revisionType === "String" ? "string" : "appSpecContent";
      const raw = revision.revisionType === "String" ? revision.string : revision.appSpecContent;
      if (!raw?.content) throw invalid(`an ${revision.revisionType} revision needs ${member}.content.`);
      if (raw.content.length > MAX_APPSPEC_CONTENT) {
        throw invalid(
          `${member}.content has ${raw.content.length} characters; it can have at most ${MAX_APPSPEC_CONTENT}.`,
        );
      }
      if (raw.sha256 !== undefined && raw.sha256.toLowerCase() !== sha256Hex(raw.content)) {
        throw invalid(
          `${member}.sha256 is not the SHA-256 of ${member}.content; leave it out or send the content's.`,
        );
      }
      return revision;
    }
  }
}

/**
 * An S3 revision's bucket exists in this server's S3, in the region of the request (a deployment
 * reads its bundle from a bucket of its own region, as on AWS).
 */
export async function checkRevisionBucket(
  executor: Kysely<Database>,
  buckets: RevisionBuckets | undefined,
  revision: RevisionLocation,
  region: string,
): Promise<void> {
  const bucket = revision.revisionType === "S3" ? revision.s3Location?.bucket : undefined;
  if (!bucket || !buckets) return;
  const where = await buckets.bucketRegion(executor, bucket);
  if (where === undefined) {
    throw codedeployError(
      "InvalidRevisionException",
      `revision: the bucket ${JSON.stringify(bucket)} does not exist on this server; create it first (aws s3 mb s3://${bucket}) and upload the bundle there.`,
    );
  }
  if (where !== region) {
    throw codedeployError(
      "InvalidRevisionException",
      `revision: the bucket ${JSON.stringify(bucket)} is in ${where}, but revisions of applications in ${region} must be in a bucket of ${region}.`,
    );
  }
}
