import { z } from "zod";
import { awsEnum } from "../../kit/index.js";

// `RevisionLocation` (botocore `codedeploy` 2014-10-06). The model marks nothing required; which
// members a type needs is checked in checks.ts with InvalidRevisionException, as AWS does.

export const BundleTypeShape = awsEnum(["tar", "tgz", "zip", "YAML", "JSON"]);

export const S3LocationShape = z.object({
  bucket: z.string().optional(),
  key: z.string().optional(),
  bundleType: BundleTypeShape.optional(),
  version: z.string().optional(),
  eTag: z.string().optional(),
});

const RawStringShape = z.object({ content: z.string().optional(), sha256: z.string().optional() });

export const RevisionLocationShape = z.object({
  revisionType: awsEnum(["S3", "GitHub", "String", "AppSpecContent"]).optional(),
  s3Location: S3LocationShape.optional(),
  gitHubLocation: z.object({ repository: z.string().optional(), commitId: z.string().optional() }).optional(),
  string: RawStringShape.optional(),
  appSpecContent: RawStringShape.optional(),
});

/** Where a revision is: as the model has it, and as deployments and groups store it. */
export type RevisionLocation = z.output<typeof RevisionLocationShape>;
