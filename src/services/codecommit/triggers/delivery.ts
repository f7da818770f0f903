import type { Kysely } from "kysely";
import { createHash } from "node:crypto";
import { z } from "zod";
import { newUuid } from "../../../core/index.js";
import type { BusEvent } from "../../../platform/bus/index.js";
import type { Job } from "../../../platform/queue/index.js";
import type { Database } from "../../../platform/store/index.js";
import type { SubscriptionDeclaration } from "../../kit/index.js";
import type { CodeCommitRuntime } from "../deps.js";
import { REPOSITORY_STATE_CHANGE } from "../ref-changes.js";
import type { RepositoryTrigger } from "./checks.js";

/** Queue job kind: one trigger record to one destination. */
export const TRIGGER_JOB_KIND = "codecommit.trigger";

/** How long a destination has to answer one delivery. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** One reference in a trigger record: `created` / `deleted` are present only when true. */
interface TriggerReference {
  commit: string;
  ref: string;
  created?: true;
  deleted?: true;
}

/**
 * The record a trigger sends, shaped as AWS's trigger records are (the CodeCommit user guide's
 * "Example: Create a trigger for a Lambda function" shows one): a `Records` array of one entry
 * naming the repository, the trigger and the references that changed.
 */
export function triggerRecord(input: {
  region: string;
  repositoryArn: string;
  trigger: RepositoryTrigger;
  configurationId: string;
  eventId: string;
  eventName: "ReferenceChanges" | "TriggerEventTest";
  time: number;
  userArn: string | undefined;
  references: TriggerReference[];
}): Record<string, unknown> {
  return {
    Records: [
      {
        awsRegion: input.region,
        codecommit: { references: input.references },
        customData: input.trigger.customData ?? null,
        eventId: input.eventId,
        eventName: input.eventName,
        eventPartNumber: 1,
        eventSource: "aws:codecommit",
        eventSourceARN: input.repositoryArn,
        eventTime: new Date(input.time).toISOString().replace("Z", "+0000"),
        eventTotalParts: 1,
        eventTriggerConfigId: input.configurationId,
        eventTriggerName: input.trigger.name,
        eventVersion: "1.0",
        ...(input.userArn !== undefined ? { userIdentityARN: input.userArn } : {}),
      },
    ],
  };
}

/**
 * Whether a trigger fires for one reference change. AWS: `events` lists which changes (`all`
 * covers the three); `branches` limits it to those branches, and an empty list means every branch.
 * Tags have no branch, so only a trigger for every branch sees them.
 */
export function triggerMatches(trigger: RepositoryTrigger, detail: Record<string, unknown>): boolean {
  const wanted: Record<string, string> = {
    referenceCreated: "createReference",
    referenceUpdated: "updateReference",
    referenceDeleted: "deleteReference",
  };
  const kind = wanted[String(detail.event)];
  if (kind === undefined) return false;
  if (
    !trigger.events.includes("all") &&
    !trigger.events.includes(kind as RepositoryTrigger["events"][number])
  ) {
    return false;
  }
  if (trigger.branches.length === 0) return true;
  return detail.referenceType === "branch" && trigger.branches.includes(String(detail.referenceName));
}

/** Whether a destination is an http(s) URL, which gets a POST of the record. */
export function isHttpDestination(destination: string): boolean {
  return /^https?:\/\//i.test(destination);
}

/** The CodeBuild project a destination ARN names in this account and region, or undefined. */
export function codebuildProjectOf(
  destination: string,
  scope: { accountId: string; region: string },
): string | undefined {
  const m = /^arn:[^:]+:codebuild:([^:]*):([^:]*):project\/(.+)$/.exec(destination);
  return m && m[1] === scope.region && m[2] === scope.accountId ? m[3] : undefined;
}

/**
 * Why no trigger can be delivered to `destination` here, or undefined when one can: an http(s)
 * URL, or a CodeBuild project of this server that exists.
 */
export async function undeliverableReason(
  rt: CodeCommitRuntime,
  executor: Kysely<Database>,
  destination: string,
  scope: { accountId: string; region: string },
): Promise<string | undefined> {
  if (isHttpDestination(destination)) return undefined;
  const project = codebuildProjectOf(destination, scope);
  if (project !== undefined && rt.triggerTargets) {
    return (await rt.triggerTargets.projectExists(executor, scope, project))
      ? undefined
      : `CodeBuild project ${project} does not exist.`;
  }
  return `No service here receives ${destination}; use an http(s) URL or a CodeBuild project ARN of account ${scope.accountId} in ${scope.region}.`;
}

/**
 * Sends one record to an http(s) destination: a POST of JSON, answered 2xx within the timeout, or
 * the delivery failed (and the queue tries again later, with backoff).
 */
export async function postRecord(
  url: string,
  record: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<void> {
  const timeout = AbortSignal.timeout(DELIVERY_TIMEOUT_MS);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "pipewright-codecommit-trigger" },
    body: JSON.stringify(record),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  await response.body?.cancel();
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  }
}

const TriggerJob = z.object({ url: z.string(), record: z.record(z.string(), z.unknown()) });

/**
 * Turns each repository state change into one durable job per matching trigger, so a slow or
 * failing destination is retried on its own without holding up other events or other triggers.
 */
export function triggerSubscription(rt: CodeCommitRuntime): SubscriptionDeclaration {
  return {
    name: "codecommit.triggers",
    handler: async (event: BusEvent) => {
      const detail = event.detail;
      const repo = await rt.store.db
        .selectFrom("codecommit_repositories")
        .selectAll()
        .where("repository_id", "=", String(detail.repositoryId))
        .executeTakeFirst();
      if (!repo) return;
      const triggers = (JSON.parse(repo.triggers) as RepositoryTrigger[]).filter((t) =>
        triggerMatches(t, detail),
      );
      if (triggers.length === 0) return;
      const reference: TriggerReference = {
        commit: String(detail.commitId ?? detail.oldCommitId),
        ref: String(detail.referenceFullName),
        ...(detail.event === "referenceCreated" ? { created: true as const } : {}),
        ...(detail.event === "referenceDeleted" ? { deleted: true as const } : {}),
      };
      const scope = { accountId: event.account, region: event.region };
      for (const trigger of triggers) {
        const project = codebuildProjectOf(trigger.destinationArn, scope);
        if (project !== undefined && rt.triggerTargets) {
          // A deleted branch has nothing to build.
          if (detail.event === "referenceDeleted") continue;
          await rt.triggerTargets.startBuild({
            ...scope,
            projectName: project,
            sourceVersion: String(detail.commitId),
            initiator: `codecommit/${String(detail.repositoryName)}`,
            // A redelivered event finds the build it started instead of starting another.
            idempotencyToken: createHash("sha256")
              .update(`${event.id}:${trigger.name}`)
              .digest("hex")
              .slice(0, 40),
          });
          continue;
        }
        if (!isHttpDestination(trigger.destinationArn)) {
          rt.logger.warn(
            { trigger: trigger.name, destination: trigger.destinationArn },
            "repository trigger not delivered: no service here receives this ARN (use an http(s) URL or a CodeBuild project ARN)",
          );
          continue;
        }
        const record = triggerRecord({
          region: event.region,
          repositoryArn: event.resources[0] ?? "",
          trigger,
          configurationId: repo.triggers_config_id,
          eventId: event.id,
          eventName: "ReferenceChanges",
          time: Date.parse(event.time),
          userArn: typeof detail.callerUserArn === "string" ? detail.callerUserArn : undefined,
          references: [reference],
        });
        await rt.queue.enqueue(rt.store.db, {
          kind: TRIGGER_JOB_KIND,
          payload: { url: trigger.destinationArn, record },
          key: `${TRIGGER_JOB_KIND}:${event.id}:${trigger.name}`,
          maxAttempts: 8,
        });
      }
    },
    options: {
      filter: (e) => e.source === "aws.codecommit" && e["detail-type"] === REPOSITORY_STATE_CHANGE,
      startAt: "latest",
    },
  };
}

/** Runs one trigger job: the POST. */
export async function runTriggerJob(job: Job, signal: AbortSignal): Promise<void> {
  const { url, record } = TriggerJob.parse(job.payload);
  await postRecord(url, record, signal);
}

/** A test record's id: TestRepositoryTriggers sends a made-up event, as AWS does. */
export function testEventId(): string {
  return newUuid();
}
