import { z } from "zod";
import type { Kysely } from "kysely";
import type { Database } from "../../platform/store/index.js";
import { awsEnum, awsList, awsString, operation } from "../kit/index.js";
import type { CodeBuildRuntime } from "./deps.js";
import { codebuildError, projectNotFound } from "./errors.js";
import { completeProject, projectOutput, type ProjectRow, type ProjectSpec } from "./project-spec.js";
import { projectArn } from "./arns.js";
import { decodeAfter, keysetPage, pageOf, type Keyset, type SortPart } from "./pagination.js";
import { ProjectFields, ProjectName } from "./shapes.js";

/** The project row by name (or ARN), or undefined; `db` may be the caller's transaction. */
export async function findProject(
  db: Kysely<Database>,
  scope: { accountId: string; region: string },
  name: string,
): Promise<ProjectRow | undefined> {
  // A project may be named by ARN wherever a name is accepted.
  const m = /^arn:[^:]+:codebuild:[^:]*:[^:]*:project\/(.+)$/.exec(name);
  return db
    .selectFrom("codebuild_projects")
    .selectAll()
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("name", "=", m ? m[1]! : name)
    .executeTakeFirst();
}

/** Where badges are served; a project's badge is `<this>/<project>`. */
export function badgeBase(rt: CodeBuildRuntime): string {
  return `${rt.publicUrl()}/_/codebuild/badges`;
}

const CreateProjectInput = z.object({ name: ProjectName, ...ProjectFields });

/** CreateProject. */
export function createProject(rt: CodeBuildRuntime) {
  return operation({
    name: "CreateProject",
    input: CreateProjectInput,
    resource: (input, ctx) => projectArn(ctx, input.name),
    handler: async (input, ctx) => {
      const spec = completeProject(input, ctx);
      const now = rt.clock.now();
      const arn = projectArn(ctx, input.name);
      const inserted = await ctx.trx
        .insertInto("codebuild_projects")
        .values({
          account_id: ctx.accountId,
          region: ctx.region,
          name: input.name,
          arn,
          spec: JSON.stringify(spec),
          build_counter: 0,
          created_at: now,
          last_modified_at: now,
        })
        .onConflict((oc) => oc.columns(["account_id", "region", "name"]).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted) {
        throw codebuildError("ResourceAlreadyExistsException", `Project already exists: ${arn}`);
      }
      return { project: projectOutput(inserted, badgeBase(rt)) };
    },
  });
}

const UpdateProjectInput = z.object({
  name: awsString(1),
  ...Object.fromEntries(Object.entries(ProjectFields).map(([k, v]) => [k, v.optional()])),
}) as unknown as z.ZodType<{ name: string } & Partial<ProjectSpec>>;

/** UpdateProject: the members given replace the project's; the rest stay. */
export function updateProject(rt: CodeBuildRuntime) {
  return operation({
    name: "UpdateProject",
    input: UpdateProjectInput,
    resource: (input, ctx) => projectArn(ctx, input.name),
    handler: async (input, ctx) => {
      const row = await findProject(ctx.trx, ctx, input.name);
      if (!row) throw projectNotFound(input.name);
      const old = JSON.parse(row.spec) as ProjectSpec;
      const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      const spec = completeProject({ ...old, ...changes, name: row.name }, ctx);
      const updated = await ctx.trx
        .updateTable("codebuild_projects")
        .set({ spec: JSON.stringify(spec), last_modified_at: rt.clock.now() })
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region)
        .where("name", "=", row.name)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { project: projectOutput(updated, badgeBase(rt)) };
    },
  });
}

/** DeleteProject: deleting a project that does not exist succeeds, as on AWS. Its builds stay readable. */
export function deleteProject() {
  return operation({
    name: "DeleteProject",
    input: z.object({ name: awsString(1) }),
    resource: (input, ctx) => projectArn(ctx, input.name),
    handler: async (input, ctx) => {
      const row = await findProject(ctx.trx, ctx, input.name);
      if (row) {
        await ctx.trx
          .deleteFrom("codebuild_projects")
          .where("account_id", "=", ctx.accountId)
          .where("region", "=", ctx.region)
          .where("name", "=", row.name)
          .execute();
      }
      return {};
    },
  });
}

/** BatchGetProjects: by name or ARN; unknown ones are listed in `projectsNotFound`. */
export function batchGetProjects(rt: CodeBuildRuntime) {
  return operation({
    name: "BatchGetProjects",
    input: z.object({ names: awsList(awsString(1), 1, 100) }),
    handler: async (input, ctx) => {
      const projects: Record<string, unknown>[] = [];
      const projectsNotFound: string[] = [];
      for (const name of input.names) {
        const row = await findProject(ctx.trx, ctx, name);
        if (row) projects.push(projectOutput(row, badgeBase(rt)));
        else projectsNotFound.push(name);
      }
      return { projects, projectsNotFound };
    },
  });
}

const PAGE = 100;

/** Columns ListProjects and ListReportGroups sort by. */
export const SORT_COLUMNS = {
  NAME: "name",
  CREATED_TIME: "created_at",
  LAST_MODIFIED_TIME: "last_modified_at",
} as const;

/**
 * The order of a listing sorted by `sortBy` (NAME by default), ties by name, both ascending unless
 * DESCENDING; names are unique within an account and region, so they finish every key.
 */
export function byNameOrTime(
  operationName: string,
  sortBy: keyof typeof SORT_COLUMNS | undefined,
  sortOrder: "ASCENDING" | "DESCENDING" | undefined,
): Keyset {
  const by = sortBy ?? "NAME";
  const desc = sortOrder === "DESCENDING";
  const name: SortPart = { column: "name", field: "n", type: "string", desc };
  return {
    listing: `${operationName}/${by}/${desc ? "DESCENDING" : "ASCENDING"}`,
    parts: by === "NAME" ? [name] : [{ column: SORT_COLUMNS[by], field: "t", type: "number", desc }, name],
  };
}

/** ListProjects: names sorted by NAME, CREATED_TIME or LAST_MODIFIED_TIME, 100 a page. */
export function listProjects() {
  return operation({
    name: "ListProjects",
    input: z.object({
      sortBy: awsEnum(["NAME", "CREATED_TIME", "LAST_MODIFIED_TIME"]).optional(),
      sortOrder: awsEnum(["ASCENDING", "DESCENDING"]).optional(),
      nextToken: awsString(1).optional(),
    }),
    handler: async (input, ctx) => {
      const keyset = byNameOrTime("ListProjects", input.sortBy, input.sortOrder);
      const after = decodeAfter(keyset, input.nextToken);
      const query = ctx.trx
        .selectFrom("codebuild_projects")
        .select(["name", "created_at", "last_modified_at"])
        .where("account_id", "=", ctx.accountId)
        .where("region", "=", ctx.region);
      const { items, nextToken } = pageOf(
        keyset,
        await keysetPage(query, keyset, after, PAGE).execute(),
        PAGE,
      );
      return { projects: items.map((r) => r.name), ...(nextToken ? { nextToken } : {}) };
    },
  });
}
