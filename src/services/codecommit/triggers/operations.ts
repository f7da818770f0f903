import { z } from "zod";
import { newUuid } from "../../../core/index.js";
import { listRefs } from "../../../platform/git/index.js";
import { operation } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { gitDirOfRow, repositoryArn, requireRepository } from "../repositories/rows.js";
import { checkTriggers, TriggerInput, type RepositoryTrigger } from "./checks.js";
import {
  isHttpDestination,
  postRecord,
  testEventId,
  triggerRecord,
  undeliverableReason,
} from "./delivery.js";

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
      const gitDir = gitDirOfRow(rt, repo);
      const only = repo.default_branch !== null ? [`refs/heads/${repo.default_branch}`] : [];
      const head = (await listRefs(gitDir, { only }))[0] ?? (await listRefs(gitDir, { count: 1 }))[0];
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
