import { z } from "zod";
import { newUuid } from "../../../core/index.js";
import { listRefs } from "../../../platform/git/index.js";
import { operation } from "../../kit/index.js";
import { branchNameProblem } from "../checks.js";
import type { CodeCommitRuntime } from "../deps.js";
import { codecommitError, required } from "../errors.js";
import { gitDirOfRow, repositoryArn, requireRepository } from "../repositories/rows.js";
import {
  isHttpDestination,
  postRecord,
  testEventId,
  triggerRecord,
  undeliverableReason,
} from "./delivery.js";

/** A repository trigger as PutRepositoryTriggers takes and GetRepositoryTriggers returns it. */
export interface RepositoryTrigger {
  name: string;
  destinationArn: string;
  customData?: string;
  branches: string[];
  events: ("all" | "updateReference" | "createReference" | "deleteReference")[];
}

const TRIGGER_EVENTS = new Set(["all", "updateReference", "createReference", "deleteReference"]);

const TriggerInput = z.object({
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

function checkTriggers(list: z.output<typeof TriggerInput>[] | undefined): RepositoryTrigger[] {
  const triggers = required(list, "RepositoryTriggersListRequiredException", "triggers");
  if (triggers.length > 10) {
    throw codecommitError(
      "MaximumRepositoryTriggersExceededException",
      `${triggers.length} triggers given; at most 10.`,
    );
  }
  return triggers.map(checkTrigger);
}

const Input = z.object({ repositoryName: z.string().optional(), triggers: z.array(TriggerInput).optional() });

// PutRepositoryTriggers, GetRepositoryTriggers and TestRepositoryTriggers.

export function putRepositoryTriggers(rt: CodeCommitRuntime) {
  return operation({
    name: "PutRepositoryTriggers",
    input: Input,
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const triggers = checkTriggers(input.triggers);
      const configurationId = newUuid();
      await ctx.trx
        .updateTable("codecommit_repositories")
        .set({
          triggers: JSON.stringify(triggers),
          triggers_config_id: configurationId,
          last_modified_at: rt.clock.now(),
        })
        .where("repository_id", "=", repo.repository_id)
        .execute();
      return { configurationId };
    },
  });
}

export function getRepositoryTriggers(_rt: CodeCommitRuntime) {
  return operation({
    name: "GetRepositoryTriggers",
    input: z.object({ repositoryName: z.string().optional() }),
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      return {
        configurationId: repo.triggers_config_id,
        triggers: JSON.parse(repo.triggers) as RepositoryTrigger[],
      };
    },
  });
}

export function testRepositoryTriggers(rt: CodeCommitRuntime) {
  return operation({
    name: "TestRepositoryTriggers",
    input: Input,
    // It waits for each destination to answer: that must not hold the store.
    transactional: false,
    resource: (input, ctx) => repositoryArn(ctx, input.repositoryName ?? ""),
    // AWS sends each trigger a test record (eventName TriggerEventTest) naming the default
    // branch's tip, and reports which destinations took it.
    handler: async (input, ctx) => {
      const repo = await requireRepository(ctx, input.repositoryName);
      const triggers = checkTriggers(input.triggers);
      const refs = await listRefs(gitDirOfRow(rt, repo));
      const head = refs.find((r) => r.name === `refs/heads/${repo.default_branch ?? ""}`) ?? refs[0];
      const successfulExecutions: string[] = [];
      const failedExecutions: { trigger: string; failureMessage: string }[] = [];
      await Promise.all(
        triggers.map(async (trigger) => {
          const problem = await undeliverableReason(rt, ctx.trx, trigger.destinationArn, ctx);
          if (problem !== undefined) {
            failedExecutions.push({ trigger: trigger.name, failureMessage: problem });
            return;
          }
          // A CodeBuild project is tested by finding it; starting a build would not be a test.
          if (!isHttpDestination(trigger.destinationArn)) {
            successfulExecutions.push(trigger.name);
            return;
          }
          const record = triggerRecord({
            region: ctx.region,
            repositoryArn: repositoryArn(ctx, repo.name),
            trigger,
            configurationId: repo.triggers_config_id,
            eventId: testEventId(),
            eventName: "TriggerEventTest",
            time: rt.clock.now(),
            userArn: ctx.principal.arn,
            references: head ? [{ commit: head.commitId, ref: head.name }] : [],
          });
          try {
            await postRecord(trigger.destinationArn, record);
            successfulExecutions.push(trigger.name);
          } catch (err) {
            failedExecutions.push({ trigger: trigger.name, failureMessage: (err as Error).message });
          }
        }),
      );
      return { successfulExecutions, failedExecutions };
    },
  });
}
