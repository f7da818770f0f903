import { z } from "zod";
import { awsString } from "../kit/index.js";

/** A `Tag` as the model constrains it. */
export const Tag = z.object({ Key: awsString(1, 128), Value: awsString(0, 256) });

/** The members every value-writing operation shares (CreateSecret, PutSecretValue, UpdateSecret). */
export const valueMembers = {
  ClientRequestToken: awsString(32, 64).optional(),
  SecretString: awsString(1, 65536).optional(),
  SecretBinary: z.string().optional(),
};

/** A SecretId: a name, a full ARN or a partial ARN. */
export const SecretId = awsString(1, 2048);
