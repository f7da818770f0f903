import { z } from "zod";
import { awsEnum } from "../kit/index.js";

// Wire shapes CodeDeploy's resources share (botocore `codedeploy` 2014-10-06). The model sets no
// lengths on most strings and marks few members required: AWS answers a missing or malformed name
// with a named exception (ApplicationNameRequiredException, InvalidApplicationNameException), so
// names are optional strings here and checked by `checkName` in the handler.

/** `Tag`: `{ Key, Value }`, capitalised as the model has it. */
export const TagShape = z.object({ Key: z.string().optional(), Value: z.string().optional() });
export type TagInput = z.output<typeof TagShape>;
/** A checked tag: a key of 1 to 128 characters, a value of 0 to 256. */
export interface Tag {
  Key: string;
  Value: string;
}

/** `TagFilter` (on-premises instances) — the same members as `EC2TagFilter`. */
export const TagFilterShape = z.object({
  Key: z.string().optional(),
  Value: z.string().optional(),
  Type: awsEnum(["KEY_ONLY", "VALUE_ONLY", "KEY_AND_VALUE"]).optional(),
});
/** A tag filter as a deployment group stores it and `instancesMatching` reads it. */
export type TagFilter = z.output<typeof TagFilterShape>;

/** `ComputePlatform`. */
export const ComputePlatformShape = awsEnum(["Server", "Lambda", "ECS"]);
export type ComputePlatform = z.output<typeof ComputePlatformShape>;

/** A name member, checked in the handler (see `checkName`). */
export const NameInput = z.string().optional();
