import { readFileSync } from "node:fs";
import type { Kysely } from "kysely";
import { z } from "zod";
import { afterCommit, type Database } from "../../platform/store/index.js";
import { awsEnum, awsList, awsString, operation } from "../kit/index.js";
import { buildOutput, docOf, findBuild, writeBuild, type BuildRow } from "./build-rows.js";
import type { CodeBuildRuntime } from "./deps.js";
import { buildNotFound, codebuildError, projectNotFound } from "./errors.js";
import { endBuild } from "./lifecycle.js";
import { decodeAfter, keysetPage, pageOf, type Keyset } from "./pagination.js";
import { findProject } from "./projects.js";
import { StartBuildInput, submitBuild } from "./start-build.js";

/** BatchGetBuilds: by id (`project:uuid`) or ARN; unknown ones are listed in `buildsNotFound`. */
export function batchGetBuilds() {
  return operation({
    name: "BatchGetBuilds",
    input: z.object({ ids: awsList(awsString(1), 1, 100) }),
    handler: async (input, ctx) => {
      const builds: Record<string, unknown>[] = [];
      const buildsNotFound: string[] = [];
      for (const id of input.ids) {
        const row = await findBuild(ctx.trx, ctx, id);
        if (row) builds.push(buildOutput(row));
        else buildsNotFound.push(id);
      }
      return { builds, buildsNotFound };
    },
  });
}

/**
 * StopBuild. A queued build ends STOPPED at once. A running one is marked, its queue job cancelled
 * (a runner in another process loses its lease and aborts), and the runner in this process is
 * aborted as soon as the request commits; the build ends STOPPED when the runner has stopped.
 */
export function stopBuild(rt: CodeBuildRuntime) {
  return operation({
    name: "StopBuild",
    input: z.object({ id: awsString(1) }),
    handler: async (input, ctx) => {
      const row = await findBuild(ctx.trx, ctx, input.id);
      if (!row) throw buildNotFound(input.id);
      await requestStop(rt, ctx.trx, row);
      return { build: buildOutput((await findBuild(ctx.trx, ctx, row.id))!) };
    },
  });
}

/** Stops a queued or running build in the caller's transaction (StopBuild's work); a finished one stays. */
export async function requestStop(rt: CodeBuildRuntime, trx: Kysely<Database>, row: BuildRow): Promise<void> {
  if (row.state === "queued") {
    await writeBuild(trx, row.id, { doc: docOf(row), stopRequested: true });
    await endBuild(rt, trx, row.id, { kind: "stopped" });
  } else if (row.state === "running") {
    await writeBuild(trx, row.id, { doc: docOf(row), stopRequested: true });
    await rt.queue.cancel(trx, { id: docOf(row).jobId });
    const controller = rt.running.get(row.id);
    // Once the stop is committed, so the runner's last writes find it.
    afterCommit(trx, () => controller?.abort(new Error("StopBuild")));
  }
}

/** RetryBuild: a new build with the same StartBuild request as the one named. */
export function retryBuild(rt: CodeBuildRuntime) {
  return operation({
    name: "RetryBuild",
    input: z.object({ id: awsString(1).optional(), idempotencyToken: z.string().optional() }),
    handler: async (input, ctx) => {
      const row = input.id ? await findBuild(ctx.trx, ctx, input.id) : undefined;
      if (!row) throw buildNotFound(input.id ?? "");
      const inline = docOf(row).inline;
      if (inline) {
        throw codebuildError(
          "InvalidInputException",
          `Build ${row.id} ran a Commands action of pipeline ${inline.pipelineName} and has no project to build again; retry the pipeline's stage (RetryStageExecution) instead`,
        );
      }
      const request = StartBuildInput.parse({
        ...docOf(row).request,
        idempotencyToken: input.idempotencyToken,
      });
      return { build: buildOutput(await submitBuild(rt, ctx, request)) };
    },
  });
}

const PAGE = 100;
const SortOrder = awsEnum(["ASCENDING", "DESCENDING"]).optional();

/** ListBuilds' order: start time, ties by id, both newest first unless ASCENDING. */
function buildsOrder(sortOrder: "ASCENDING" | "DESCENDING" | undefined): Keyset {
  const desc = sortOrder !== "ASCENDING";
  return {
    listing: `ListBuilds/${desc ? "DESCENDING" : "ASCENDING"}`,
    parts: [
      { column: "start_time", field: "t", type: "number", desc },
      { column: "id", field: "i", type: "string", desc },
    ],
  };
}

/** ListBuilds: every build id, newest first by default, from the `(start_time, id)` index. */
export function listBuilds() {
  return operation({
    name: "ListBuilds",
    input: z.object({ sortOrder: SortOrder, nextToken: z.string().optional() }),
    handler: async (input, ctx) => {
      const keyset = buildsOrder(input.sortOrder);
      const after = decodeAfter(keyset, input.nextToken);
      const query = ctx.trx
        .selectFrom("codebuild_builds")
        .select(["id", "start_time"])
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region);
      return idsPage(keyset, await keysetPage(query, keyset, after, PAGE).execute());
    },
  });
}

/** ListBuildsForProject: a project's build ids by build number, newest first by default. */
export function listBuildsForProject() {
  return operation({
    name: "ListBuildsForProject",
    input: z.object({ projectName: awsString(1), sortOrder: SortOrder, nextToken: z.string().optional() }),
    handler: async (input, ctx) => {
      const project = await findProject(ctx.trx, ctx, input.projectName);
      if (!project) throw projectNotFound(input.projectName);
      // Build numbers are unique within a project: they alone say where a page ends.
      const desc = input.sortOrder !== "ASCENDING";
      const keyset: Keyset = {
        listing: `ListBuildsForProject/${project.name}/${desc ? "DESCENDING" : "ASCENDING"}`,
        parts: [{ column: "build_number", field: "n", type: "number", desc }],
      };
      const after = decodeAfter(keyset, input.nextToken);
      const query = ctx.trx
        .selectFrom("codebuild_builds")
        .select(["id", "build_number"])
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("project_name", "=", project.name);
      return idsPage(keyset, await keysetPage(query, keyset, after, PAGE).execute());
    },
  });
}

function idsPage(keyset: Keyset, rows: Array<{ id: string }>) {
  const { items, nextToken } = pageOf(keyset, rows, PAGE);
  return { ids: items.map((r) => r.id), ...(nextToken ? { nextToken } : {}) };
}

/** BatchDeleteBuilds: ended builds are deleted; running ones and unknown ids are reported back. */
export function batchDeleteBuilds() {
  return operation({
    name: "BatchDeleteBuilds",
    input: z.object({ ids: awsList(awsString(1), 1, 100) }),
    handler: async (input, ctx) => {
      const buildsDeleted: string[] = [];
      const buildsNotDeleted: Array<{ id: string; statusCode: string }> = [];
      for (const id of input.ids) {
        const row = await findBuild(ctx.trx, ctx, id);
        if (!row) buildsNotDeleted.push({ id, statusCode: "BUILD_NOT_FOUND" });
        else if (row.state !== "done") buildsNotDeleted.push({ id, statusCode: "BUILD_IN_PROGRESS" });
        else {
          await ctx.trx.deleteFrom("codebuild_builds").where("id", "=", row.id).execute();
          buildsDeleted.push(id);
        }
      }
      return { buildsDeleted, buildsNotDeleted };
    },
  });
}

/**
 * ListCuratedEnvironmentImages: what this server really provides. Builds run with the host's own
 * tools (no container images yet), so there is one platform, the host's, with one image.
 */
export function listCuratedEnvironmentImages() {
  return operation({
    name: "ListCuratedEnvironmentImages",
    input: z.object({}),
    handler: async () => {
      const os = hostOs();
      return {
        platforms: [
          {
            platform: os.platform,
            languages: [
              {
                language: "BASE",
                images: [
                  {
                    name: "pipewright/host",
                    description: `The server's own machine (${os.pretty}): builds run with the tools installed on the host, in a sandbox. Any image name is accepted and reported, but none is pulled.`,
                    versions: [`pipewright/host:${os.version}`],
                  },
                ],
              },
            ],
          },
        ],
      };
    },
  });
}

function hostOs(): { platform: string; pretty: string; version: string } {
  let text = "";
  try {
    text = readFileSync("/etc/os-release", "utf8");
  } catch {
    // Not Linux, or a minimal root: reported as a generic Linux below.
  }
  const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?$`, "m").exec(text)?.[1];
  const id = field("ID") ?? "linux";
  const platform = { debian: "DEBIAN", ubuntu: "UBUNTU", amzn: "AMAZON_LINUX" }[id] ?? "UBUNTU";
  return { platform, pretty: field("PRETTY_NAME") ?? "Linux", version: field("VERSION_ID") ?? "latest" };
}
