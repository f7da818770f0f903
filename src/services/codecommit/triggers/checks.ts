import { z } from "zod";
import { branchNameProblem } from "../checks.js";
import { codecommitError, required } from "../errors.js";

/** A repository trigger as PutRepositoryTriggers takes and GetRepositoryTriggers returns it. */
export interface RepositoryTrigger {
  name: string;
  destinationArn: string;
  customData?: string;
  branches: string[];
  events: ("all" | "updateReference" | "createReference" | "deleteReference")[];
}

const TRIGGER_EVENTS = new Set(["all", "updateReference", "createReference", "deleteReference"]);

export const TriggerInput = z.object({
  name: z.string().optional(),
  destinationArn: z.string().optional(),
  customData: z.string().optional(),
  branches: z.array(z.string()).optional(),
  events: z.array(z.string()).optional(),
});

// Quotas ("Quotas in AWS CodeCommit"): 10 triggers per repository, 100 branches per trigger,
// custom data up to 1,000 characters. Destinations here are an http(s) URL that receives a POST
// of the trigger record, or an ARN: a CodeBuild project of this server builds the pushed commit.

/** Checks one trigger, naming the field and trigger that is wrong. */
function checkTrigger(raw: z.output<typeof TriggerInput>, index: number): RepositoryTrigger {
  const at = `triggers[${index}]`;
  const name = required(raw.name, "RepositoryTriggerNameRequiredException", `${at}.name`);
  if (name.length > 100) {
    throw codecommitError(
      "InvalidRepositoryTriggerNameException",
      `${at}.name is longer than 100 characters.`,
    );
  }
  const destinationArn = required(
    raw.destinationArn,
    "RepositoryTriggerDestinationArnRequiredException",
    `${at}.destinationArn`,
  );
  if (!/^https?:\/\/\S+$/.test(destinationArn) && !/^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/.test(destinationArn)) {
    throw codecommitError(
      "InvalidRepositoryTriggerDestinationArnException",
      `${at}.destinationArn ${JSON.stringify(destinationArn)} is neither an ARN nor an http(s) URL.`,
    );
  }
  if (raw.customData !== undefined && raw.customData.length > 1000) {
    throw codecommitError(
      "InvalidRepositoryTriggerCustomDataException",
      `${at}.customData is longer than 1000 characters.`,
    );
  }
  const branches = required(
    raw.branches,
    "RepositoryTriggerBranchNameListRequiredException",
    `${at}.branches`,
  );
  if (branches.length > 100) {
    throw codecommitError(
      "MaximumBranchesExceededException",
      `${at}.branches has ${branches.length} branches; at most 100.`,
    );
  }
  for (const branch of branches) {
    const problem = branchNameProblem(branch);
    if (problem) {
      throw codecommitError(
        "InvalidRepositoryTriggerBranchNameException",
        `${at}.branches: ${JSON.stringify(branch)} ${problem}.`,
      );
    }
  }
  const events = required(raw.events, "RepositoryTriggerEventsListRequiredException", `${at}.events`);
  if (events.length === 0 || events.some((e) => !TRIGGER_EVENTS.has(e))) {
    throw codecommitError(
      "InvalidRepositoryTriggerEventsException",
      `${at}.events must be one or more of all, updateReference, createReference, deleteReference.`,
    );
  }
  return {
    name,
    destinationArn,
    ...(raw.customData !== undefined ? { customData: raw.customData } : {}),
    branches,
    events: events as RepositoryTrigger["events"],
  };
}

export function checkTriggers(list: z.output<typeof TriggerInput>[] | undefined): RepositoryTrigger[] {
  const triggers = required(list, "RepositoryTriggersListRequiredException", "triggers");
  if (triggers.length > 10) {
    throw codecommitError(
      "MaximumRepositoryTriggersExceededException",
      `${triggers.length} triggers given; at most 10.`,
    );
  }
  return triggers.map(checkTrigger);
}
