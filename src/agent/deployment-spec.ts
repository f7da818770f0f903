/**
 * GetDeploymentSpecification's answer, read and checked: the JSON payload of its GenericEnvelope
 * (`TEXT/JSON`), with the fields the agent uses typed by a zod schema.
 */
import { z } from "zod";
import { FILE_EXISTS_BEHAVIORS } from "../formats/appspec/types.js";
import { CommandFailure } from "./errors.js";

const Schema = z.object({
  DeploymentId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "must be letters, digits, - and _"),
  DeploymentGroupId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "must be letters, digits, - and _"),
  DeploymentGroupName: z.string(),
  ApplicationName: z.string(),
  DeploymentCreator: z.string().optional(),
  DeploymentType: z.enum(["IN_PLACE", "BLUE_GREEN"]).optional(),
  AppSpecFilename: z.string().optional(),
  Revision: z.discriminatedUnion("RevisionType", [
    z.object({
      RevisionType: z.literal("S3"),
      S3Revision: z.object({
        Bucket: z.string().min(1),
        Key: z.string().min(1),
        BundleType: z.enum(["zip", "tar", "tgz"]),
        Version: z.string().optional(),
        ETag: z.string().optional(),
      }),
    }),
    z.object({
      RevisionType: z.literal("AppSpecContent"),
      AppSpecContent: z.object({ Content: z.string() }),
    }),
  ]),
  AgentActionOverrides: z
    .object({
      AgentOverrides: z.object({ FileExistsBehavior: z.enum(FILE_EXISTS_BEHAVIORS).optional() }).optional(),
    })
    .optional(),
  AllPossibleLifecycleEvents: z.array(z.string()).optional(),
});

/** A deployment as the agent sees it. */
export type DeploymentSpec = z.infer<typeof Schema>;

/**
 * The deployment spec in GetDeploymentSpecification's answer.
 * @throws CommandFailure (UnknownError) saying which field is wrong.
 */
export function readDeploymentSpec(answer: {
  DeploymentSystem?: string;
  DeploymentSpecification?: { GenericEnvelope?: { Format: string; Payload: string } };
}): DeploymentSpec {
  const envelope = answer.DeploymentSpecification?.GenericEnvelope;
  if (answer.DeploymentSystem !== "CodeDeploy" || envelope === undefined) {
    throw new CommandFailure(
      "UnknownError",
      "the deployment specification is not a CodeDeploy GenericEnvelope",
    );
  }
  if (envelope.Format !== "TEXT/JSON") {
    throw new CommandFailure(
      "UnknownError",
      `the deployment specification's format is ${envelope.Format}, expected TEXT/JSON`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(envelope.Payload);
  } catch (err) {
    throw new CommandFailure(
      "UnknownError",
      `the deployment specification is not JSON: ${(err as Error).message}`,
    );
  }
  const parsed = Schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CommandFailure(
      "UnknownError",
      `the deployment specification's ${issue.path.join(".")} ${issue.message}`,
    );
  }
  return parsed.data;
}
